// --model uring's pieces that need no server: the completion tags and their
// table, the fallback decision, and the ring with its provided buffers.
#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "http/models/uring_ring.h"
#include "http/models/uring_slots.h"

namespace muxd::http {
namespace {

TEST(UringUserData, RoundTripsEveryField) {
  UserData data{UringOp::receive, {0xabcdef, 0xfedcba98}};
  UserData back = UserData::decode(data.encode());
  EXPECT_EQ(back.op, UringOp::receive);
  EXPECT_EQ(back.ref, data.ref);
  EXPECT_NE(UserData({UringOp::poll_out, data.ref}).encode(), data.encode());
}

TEST(UringSlots, StaleGenerationFindsNothing) {
  SlotTable<std::string> table;
  SlotRef first = table.add("a");
  ASSERT_NE(table.find(first), nullptr);
  table.remove(first);
  EXPECT_EQ(table.find(first), nullptr);
  SlotRef second = table.add("b");
  EXPECT_EQ(second.slot, first.slot) << "a freed slot is reused";
  EXPECT_NE(second.generation, first.generation);
  EXPECT_EQ(table.find(first), nullptr) << "a late completion of the old connection";
  ASSERT_NE(table.find(second), nullptr);
  EXPECT_EQ(*table.find(second), "b");
  table.remove(first);  // stale: no effect
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.find(SlotRef{99, 0}), nullptr);
}

TEST(UringSlots, ForEachMayRemoveTheCurrentEntry) {
  SlotTable<int> table;
  for (int i = 0; i < 5; ++i) table.add(i);
  int seen = 0;
  table.for_each([&](SlotRef ref, int&) {
    ++seen;
    table.remove(ref);
  });
  EXPECT_EQ(seen, 5);
  EXPECT_EQ(table.size(), 0u);
}

TEST(UringRefusal, NamesWhatTheKernelRefused) {
  EXPECT_EQ(uring_refusal(UringSupport{0, 0, true}), "");
  std::string eperm = uring_refusal(UringSupport{EPERM, 0, false});
  EXPECT_NE(eperm.find("io_uring_setup"), std::string::npos) << eperm;
  EXPECT_NE(eperm.find("EPERM"), std::string::npos) << eperm;
  EXPECT_NE(eperm.find("seccomp"), std::string::npos) << eperm;
  EXPECT_NE(uring_refusal(UringSupport{ENOSYS, 0, false}).find("ENOSYS"), std::string::npos);
  EXPECT_NE(uring_refusal(UringSupport{ENOMEM, 0, false}).find("RLIMIT_MEMLOCK"), std::string::npos);
  std::string old = uring_refusal(UringSupport{0, EINVAL, true});
  EXPECT_NE(old.find("5.19"), std::string::npos) << old;
  EXPECT_NE(uring_refusal(UringSupport{0, 0, false}).find("6.0"), std::string::npos);
}

TEST(UringRing, OpensWithProvidedBuffersOrSaysWhyNot) {
  UringSupport support;
  auto ring = UringRing::open(64, support);
  if (!ring) GTEST_SKIP() << "io_uring unavailable here: " << uring_refusal(support);
  EXPECT_EQ(uring_refusal(support), "");
  EXPECT_EQ(ring->buffer(3, 10).size(), 10u);
  EXPECT_NE(ring->buffer(3, 10).data(), ring->buffer(4, 10).data());
  EXPECT_NE(ring->next_sqe(), nullptr);
}

}  // namespace
}  // namespace muxd::http
