// The chat room's own cost per datagram, without sockets: parsing, the name
// binding check, flood control, sanitising and building the fan-out list.
// (bench/chat_fanout.py measures the whole server over loopback.)
#include <benchmark/benchmark.h>

#include <string>

#include "chat/room.h"
#include "chat/text.h"

namespace {

using muxd::SocketAddress;
using namespace muxd::chat;

SocketAddress member_address(int i) {
  return *SocketAddress::parse("127.0.0.1:" + std::to_string(10000 + i));
}

// A room of `members`, with limits that never refuse the benchmark's traffic.
Room full_room(int members, Clock::time_point now) {
  RoomLimits limits;
  limits.max_members = static_cast<size_t>(members);
  limits.login_burst = members;
  limits.message_burst = 1e12;
  Room room(limits, now);
  Outbox out;
  for (int i = 0; i < members; ++i) {
    room.receive(login_request("m" + std::to_string(i)), member_address(i), now, out);
    out.clear();
  }
  return room;
}

void BM_ChatFanOut(benchmark::State& state) {
  const auto now = Clock::now();
  Room room = full_room(static_cast<int>(state.range(0)), now);
  const std::string datagram = chat_request("m0", "一起出去玩啊, see you at the usual place at eight?");
  const SocketAddress speaker = member_address(0);
  Outbox out;
  for (auto _ : state) {
    room.receive(datagram, speaker, now, out);
    benchmark::DoNotOptimize(out.datagrams.data());
    out.clear();
  }
  state.counters["copies/s"] = benchmark::Counter(static_cast<double>(state.iterations() * (state.range(0) - 1)),
                                                  benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ChatFanOut)->Arg(10)->Arg(200)->Arg(1000);

void BM_ChatStrangerDropped(benchmark::State& state) {
  const auto now = Clock::now();
  Room room = full_room(1000, now);
  const SocketAddress stranger = *SocketAddress::parse("10.9.8.7:4444");
  Outbox out;
  for (auto _ : state) {  // what a flood of forged datagrams costs
    room.receive("CHAT m1 forged", stranger, now, out);
    out.clear();
  }
}
BENCHMARK(BM_ChatStrangerDropped);

void BM_ChatSanitize(benchmark::State& state) {
  std::string text;
  while (text.size() < 1000) text += "mixed ASCII 和中文 \xff text\x1b[0m ";
  for (auto _ : state) benchmark::DoNotOptimize(sanitize_text(text));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ChatSanitize);

}  // namespace

BENCHMARK_MAIN();
