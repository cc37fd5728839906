#include "http/compressed_cache.h"

namespace muxd::http {

const std::string& CompressedCache::make_key(std::string_view path, Coding coding) {
  key_.assign(path);
  key_ += '\0';  // a clean path holds no NUL
  key_ += coding_name(coding);
  return key_;
}

std::shared_ptr<const CompressedBody> CompressedCache::find(std::string_view path, Coding coding,
                                                            const SourceStamp& stamp) {
  auto found = entries_.find(make_key(path, coding));
  if (found == entries_.end()) return nullptr;
  if (!(found->second->stamp == stamp)) {  // the file changed: this body is stale
    erase(found->second);
    return nullptr;
  }
  order_.splice(order_.begin(), order_, found->second);
  return found->second->body;
}

void CompressedCache::insert(std::string_view path, Coding coding, const SourceStamp& stamp,
                             std::shared_ptr<const CompressedBody> body) {
  const std::string& key = make_key(path, coding);
  if (auto found = entries_.find(key); found != entries_.end()) erase(found->second);
  Entry entry{key, stamp, std::move(body)};
  uint64_t entry_cost = cost(entry);
  if (entry_cost > max_bytes_ / 4) return;
  while (bytes_ + entry_cost > max_bytes_ && !order_.empty()) erase(std::prev(order_.end()));
  order_.push_front(std::move(entry));
  entries_.emplace(order_.front().key, order_.begin());
  bytes_ += entry_cost;
}

void CompressedCache::erase(std::list<Entry>::iterator entry) {
  bytes_ -= cost(*entry);
  entries_.erase(entry->key);
  order_.erase(entry);
}

}  // namespace muxd::http
