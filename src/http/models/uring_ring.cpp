#include "http/models/uring_ring.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace muxd::http {
namespace {

std::string error_text(int error) {
  const char* name = ::strerrorname_np(error);
  return fmt::format("{} ({})", std::strerror(error), name ? name : "?");
}

// Where each refusal usually comes from (io_uring_setup(2), io_uring_register(2)).
std::string_view setup_hint(int error) {
  switch (error) {
    case ENOSYS: return "the kernel was built without io_uring";
    case EPERM: return "sysctl kernel.io_uring_disabled, or a seccomp filter as container runtimes install";
    case ENOMEM: return "out of memory, or RLIMIT_MEMLOCK on kernels before 5.12";
    case EINVAL: return "a kernel older than 5.19";
    default: return "";
  }
}

}  // namespace

std::string uring_refusal(const UringSupport& support) {
  if (support.setup_error != 0) {
    std::string_view hint = setup_hint(support.setup_error);
    return fmt::format("io_uring_setup: {}{}{}", error_text(support.setup_error), hint.empty() ? "" : ": ", hint);
  }
  if (support.buffer_ring_error != 0)
    return fmt::format("provided buffer rings (Linux 5.19): {}", error_text(support.buffer_ring_error));
  if (!support.recv_multishot) return "multishot receive needs Linux 6.0";
  return {};
}

// COOP_TASKRUN (5.19): completions are processed when this thread enters the
// kernel anyway (it always waits in io_uring_enter), not by interrupting it.
std::unique_ptr<UringRing> UringRing::open(unsigned entries, UringSupport& support) {
  std::unique_ptr<UringRing> ring(new UringRing);
  io_uring_params params{};
  params.flags = IORING_SETUP_COOP_TASKRUN | IORING_SETUP_CQSIZE;
  params.cq_entries = entries * 4;  // multishot requests post many completions per submission
  int result = io_uring_queue_init_params(entries, &ring->ring_, &params);
  if (result < 0) {
    support.setup_error = -result;
    return nullptr;
  }
  ring->ring_open_ = true;
  // IORING_RECV_MULTISHOT came in Linux 6.0 with IORING_OP_SEND_ZC, the
  // newest opcode liburing 2.3 knows: the probe lists opcodes, not flags.
  if (io_uring_probe* probe = io_uring_get_probe_ring(&ring->ring_)) {
    support.recv_multishot = io_uring_opcode_supported(probe, IORING_OP_SEND_ZC);
    io_uring_free_probe(probe);
  }
  support.buffer_ring_error = ring->set_up_buffers();
  if (!uring_refusal(support).empty()) return nullptr;
  return ring;
}

int UringRing::set_up_buffers() {
  buf_ring_bytes_ = kBufferCount * sizeof(io_uring_buf);
  void* memory = ::mmap(nullptr, buf_ring_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) return errno;
  buf_ring_ = static_cast<io_uring_buf_ring*>(memory);
  io_uring_buf_ring_init(buf_ring_);
  io_uring_buf_reg reg{};
  reg.ring_addr = reinterpret_cast<uintptr_t>(buf_ring_);
  reg.ring_entries = kBufferCount;
  reg.bgid = kBufferGroup;
  int result = io_uring_register_buf_ring(&ring_, &reg, 0);
  if (result < 0) return -result;
  storage_ = std::make_unique<char[]>(size_t{kBufferCount} * kBufferSize);
  for (unsigned id = 0; id < kBufferCount; ++id) recycle(static_cast<uint16_t>(id));
  publish();
  return 0;
}

UringRing::~UringRing() {
  // The ring first: its requests may still name the buffers.
  if (ring_open_) io_uring_queue_exit(&ring_);
  if (buf_ring_) ::munmap(buf_ring_, buf_ring_bytes_);
}

io_uring_sqe* UringRing::next_sqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  while (!sqe) {
    io_uring_submit(&ring_);
    sqe = io_uring_get_sqe(&ring_);
  }
  return sqe;
}

std::string_view UringRing::buffer(uint16_t id, size_t length) const {
  return {storage_.get() + size_t{id} * kBufferSize, length};
}

void UringRing::recycle(uint16_t id) {
  io_uring_buf_ring_add(buf_ring_, storage_.get() + size_t{id} * kBufferSize, kBufferSize, id,
                        io_uring_buf_ring_mask(kBufferCount), recycled_++);
}

void UringRing::publish() {
  if (recycled_ == 0) return;
  io_uring_buf_ring_advance(buf_ring_, recycled_);
  recycled_ = 0;
}

}  // namespace muxd::http
