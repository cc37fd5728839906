#pragma once
// What an io_uring completion names, and the table it is looked up in.
//
// A completion can arrive after its connection closed: a multishot receive's
// last CQE, a cancelled poll. So user_data never holds a pointer: it holds an
// operation kind, a slot number and the slot's generation, and a slot's
// generation changes each time it is freed. A stale completion finds another
// generation (or a free slot) and touches nothing.
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace muxd::http {

enum class UringOp : uint8_t { wake = 1, accept, receive, poll_out, cancel };

struct SlotRef {
  uint32_t slot = 0;
  uint32_t generation = 0;
  bool operator==(const SlotRef&) const = default;
};

// user_data: op in the top 8 bits, the slot in the next 24, the generation in the low 32.
struct UserData {
  UringOp op;
  SlotRef ref;

  static constexpr uint32_t kMaxSlots = 1u << 24;
  uint64_t encode() const {
    return uint64_t{static_cast<uint8_t>(op)} << 56 | uint64_t{ref.slot & (kMaxSlots - 1)} << 32 | ref.generation;
  }
  static UserData decode(uint64_t value) {
    return {static_cast<UringOp>(value >> 56),
            {static_cast<uint32_t>(value >> 32) & (kMaxSlots - 1), static_cast<uint32_t>(value)}};
  }
};

// Slots reused through a free list; find() answers only the live generation.
// Removing never moves other entries, so a loop over the slots may remove the
// one it is at. (Adding may: hold no pointer across add().)
template <typename T>
class SlotTable {
 public:
  SlotRef add(T value) {
    uint32_t slot;
    if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
    } else {
      slot = static_cast<uint32_t>(entries_.size());
      entries_.emplace_back();
    }
    Entry& entry = entries_[slot];
    entry.value.emplace(std::move(value));
    ++live_;
    return {slot, entry.generation};
  }

  T* find(SlotRef ref) {
    if (ref.slot >= entries_.size()) return nullptr;
    Entry& entry = entries_[ref.slot];
    return entry.value && entry.generation == ref.generation ? &*entry.value : nullptr;
  }

  void remove(SlotRef ref) {
    if (!find(ref)) return;
    Entry& entry = entries_[ref.slot];
    entry.value.reset();
    ++entry.generation;
    free_.push_back(ref.slot);
    --live_;
  }

  // fn(SlotRef, T&) for each live entry; fn may remove that entry.
  template <typename F>
  void for_each(F&& fn) {
    for (uint32_t slot = 0; slot < entries_.size(); ++slot)
      if (entries_[slot].value) fn(SlotRef{slot, entries_[slot].generation}, *entries_[slot].value);
  }

  size_t size() const { return live_; }
  bool full() const { return free_.empty() && entries_.size() >= UserData::kMaxSlots; }

 private:
  struct Entry {
    std::optional<T> value;
    uint32_t generation = 0;
  };
  std::vector<Entry> entries_;
  std::vector<uint32_t> free_;
  size_t live_ = 0;
};

}  // namespace muxd::http
