// A listing's page is made as the connection sends it (dir_listing.h): after
// queuing nothing is rendered, and while a slow peer reads, the producer is
// never more than one batch ahead of what the socket took.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "http/dir_listing.h"
#include "http/request_parser.h"
#include "http/static_site.h"
#include "http_test_support.h"

namespace muxd::http {
namespace {

using testing::TempTree;

constexpr size_t kFiles = 3000;
constexpr size_t kBatchSlack = 4096;  // a batch ends after the entry that fills it

// A non-blocking sender with a small send buffer, and a blocking reader.
struct SlowPeer {
  int fds[2];
  SlowPeer() {
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    int small = 16 * 1024;
    ::setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    EXPECT_EQ(::fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
  }
  ~SlowPeer() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
  std::string read_some() {
    char chunk[4096];
    ssize_t n = ::read(fds[1], chunk, sizeof chunk);
    return n > 0 ? std::string(chunk, static_cast<size_t>(n)) : std::string();
  }
};

// Counts what a producer made, in a counter the test keeps: the queue
// destroys its producer once the body is sent.
class CountingProducer final : public OutputProducer {
 public:
  CountingProducer(std::unique_ptr<OutputProducer> inner, std::shared_ptr<uint64_t> made)
      : inner_(std::move(inner)), made_(std::move(made)) {}
  void produce(std::string& into, size_t batch) override {
    inner_->produce(into, batch);
    *made_ += into.size();
  }
  std::unique_ptr<OutputProducer> clone() const override {
    return std::make_unique<CountingProducer>(inner_->clone(), std::make_shared<uint64_t>(*made_));
  }

 private:
  std::unique_ptr<OutputProducer> inner_;
  std::shared_ptr<uint64_t> made_;
};

class ListingStreamTest : public ::testing::Test {
 protected:
  ListingStreamTest() {
    for (size_t i = 0; i < kFiles; ++i) tree_.write("big/file-with-a-longish-name-" + std::to_string(i) + ".txt", "x");
    root_ = std::make_unique<DocumentRoot>(tree_.path());
  }

  TempTree tree_;
  std::unique_ptr<DocumentRoot> root_;
};

TEST_F(ListingStreamTest, ProducerStaysOneBatchAheadOfTheSocket) {
  auto built = build_listing(*root_, "/big/", ListingFormat::html, false);
  ASSERT_TRUE(std::holds_alternative<ListingBody>(built));
  ListingBody& body = std::get<ListingBody>(built);
  ASSERT_GT(body.size, 4 * kListingBatch);  // several batches
  EXPECT_EQ(body.producer->rendered(), 0u);  // counted, nothing kept
  auto made = std::make_shared<uint64_t>(0);
  OutputQueue out;
  out.append("head\r\n\r\n");
  out.append_generated(body.size, std::make_unique<CountingProducer>(std::move(body.producer), made));
  out.append("next response");
  EXPECT_EQ(*made, 0u);  // queued, nothing made yet
  EXPECT_EQ(out.pending_bytes(), 8 + body.size + 13);

  SlowPeer peer;
  std::string received;
  uint64_t total = out.pending_bytes();
  uint64_t most_ahead = 0;
  while (!out.empty()) {
    OutputQueue::Flush result = out.flush(peer.fds[0]);
    ASSERT_NE(result, OutputQueue::Flush::error);
    ASSERT_NE(result, OutputQueue::Flush::file_shrank);
    uint64_t sent = total - out.pending_bytes();
    uint64_t sent_of_body = std::min<uint64_t>(sent > 8 ? sent - 8 : 0, body.size);
    ASSERT_GE(*made, sent_of_body);
    most_ahead = std::max(most_ahead, *made - sent_of_body);
    if (out.empty()) break;
    received += peer.read_some();
  }
  while (received.size() < total) {
    std::string more = peer.read_some();
    if (more.empty()) break;
    received += more;
  }
  EXPECT_LE(most_ahead, kListingBatch + kBatchSlack);
  ASSERT_EQ(received.size(), total);
  EXPECT_EQ(received.substr(0, 8), "head\r\n\r\n");
  EXPECT_EQ(received.substr(received.size() - 13), "next response");
  EXPECT_NE(received.find(std::to_string(kFiles) + " entries"), std::string::npos);
}

class ListingSiteTest : public ListingStreamTest {
 protected:
  ListingSiteTest() {
    SiteExtras extras;
    extras.dir_listing = true;
    site_ = std::make_unique<StaticSite>(
        *root_, FileCache::Limits{},
        SiteOptions{.allow_dotfiles = false, .compress = CompressMode::automatic, .extras = std::move(extras)});
    site_->set_time(784111777, std::chrono::steady_clock::now());
  }

  // The response's head, and the queue holding it and its body.
  std::string ask(const std::string& head, OutputQueue& out) {
    RequestParser parser;
    Request request;
    EXPECT_EQ(parser.parse(head, request).status, ParseResult::Complete) << head;
    summary_ = site_->respond(request, true, out);
    std::string all = out.contents();
    return all.substr(0, all.find("\r\n\r\n") + 4);
  }

  static uint64_t content_length(const std::string& head) {
    size_t at = head.find("Content-Length: ");
    return at == std::string::npos ? 0 : std::stoull(head.substr(at + 16));
  }

  std::unique_ptr<StaticSite> site_;
  ResponseSummary summary_{};
};

TEST_F(ListingSiteTest, GetQueuesTheWholeLengthAndHeadNone) {
  OutputQueue get;
  std::string head = ask("GET /big/ HTTP/1.1\r\nHost: x\r\n\r\n", get);
  uint64_t length = content_length(head);
  ASSERT_GT(length, 4 * kListingBatch);
  EXPECT_EQ(get.pending_bytes(), head.size() + length);
  EXPECT_EQ(summary_.body_bytes, length);
  std::string page = get.contents().substr(head.size());
  EXPECT_EQ(page.size(), length);
  EXPECT_TRUE(page.ends_with("</html>\n"));

  OutputQueue head_only;
  std::string head_again = ask("HEAD /big/ HTTP/1.1\r\nHost: x\r\n\r\n", head_only);
  EXPECT_EQ(content_length(head_again), length);
  EXPECT_EQ(head_only.pending_bytes(), head_again.size());  // no body queued
}

}  // namespace
}  // namespace muxd::http
