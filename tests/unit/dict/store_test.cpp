// The Store against SQLite in a temporary file: each strategy, "*" and "!",
// case-insensitivity, limits, and words shaped like SQL injection. With
// MUXD_DICT_TEST_DB set to a postgresql:// URL (a fresh database), the
// StoreTest cases run against PostgreSQL instead:
// tests/integration/dict/test_store_postgres.py starts one and does that.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "dict/store.h"
#include "dict/store_writer.h"

namespace muxd::dict {
namespace {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/muxd-dict-store-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    const char* url = std::getenv("MUXD_DICT_TEST_DB");
    path_ = url && *url ? url : dir_ + "/words.sqlite";
    if (url && *url) std::printf("[ store    ] %s\n", url);  // test_store_postgres.py looks for it
    auto writer = open_store_writer(path_);
    add(*writer, "en", "English words",
        {{"Apple", "a fruit"}, {"apple", "the tree"}, {"applet", "a small app"}, {"apply", "to ask"},
         {"maple", "a tree"}, {"pineapple", "a tropical fruit"}, {"Robert", "a name"}, {"Rupert", "a name"},
         {"cat", "an animal"}, {"cart", "a vehicle"}, {"at", "a preposition"}, {"ÉCOLE", "school (French)"},
         {"a", "the first letter"}, {"'; DROP TABLE words; --", "an injection"}, {"100%_done", "percent"},
         {"x' OR '1'='1", "another"}});
    add(*writer, "zh", "Chinese words", {{"中文", "Chinese"}, {"中国", "China"}, {"apple", "苹果"}});
    add(*writer, "empty", "No words", {});
    writer->commit();
    store_ = open_store(path_, true);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  static void add(StoreWriter& writer, const std::string& db, const std::string& description,
                  std::vector<std::pair<std::string, std::string>> words) {
    writer.replace_database(db);
    for (auto& [word, meaning] : words) writer.add(db, word, meaning);
    writer.describe_database(db, description, words.size());
  }

  std::vector<std::string> words(std::string_view db, Strategy strategy, std::string_view word, size_t limit = 100) {
    std::vector<std::string> out;
    for (auto& entry : store_->match(db, strategy, word, limit)) out.push_back(entry.database + ":" + entry.word);
    return out;
  }
  std::vector<std::string> defines(std::string_view db, std::string_view word, size_t limit = 100) {
    std::vector<std::string> out;
    for (auto& entry : store_->define(db, word, limit))
      out.push_back(entry.database + ":" + entry.word + "=" + entry.meaning);
    return out;
  }

  using V = std::vector<std::string>;
  std::string dir_, path_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, Databases) {
  auto dbs = store_->databases();
  ASSERT_EQ(dbs.size(), 3u);
  EXPECT_EQ(dbs[0].name, "empty");
  EXPECT_EQ(dbs[1].name, "en");
  EXPECT_EQ(dbs[1].description, "English words");
  EXPECT_EQ(dbs[1].words, 16u);
  EXPECT_EQ(dbs[2].name, "zh");
}

TEST_F(StoreTest, DefineIsCaseInsensitiveInInsertionOrder) {
  EXPECT_EQ(defines("en", "apple"), (V{"en:Apple=a fruit", "en:apple=the tree"}));
  EXPECT_EQ(defines("en", "APPLE"), (V{"en:Apple=a fruit", "en:apple=the tree"}));
  EXPECT_EQ(defines("en", "école"), (V{"en:ÉCOLE=school (French)"}));
  EXPECT_EQ(defines("zh", "中文"), (V{"zh:中文=Chinese"}));
  EXPECT_EQ(defines("en", "nothing"), V{});
  EXPECT_EQ(defines("nosuchdb", "apple"), V{});
  EXPECT_EQ(defines("en", ""), V{});
}

TEST_F(StoreTest, StarAndBang) {
  EXPECT_EQ(defines("*", "apple"), (V{"en:Apple=a fruit", "en:apple=the tree", "zh:apple=苹果"}));
  EXPECT_EQ(defines("!", "apple"), (V{"en:Apple=a fruit", "en:apple=the tree"}));  // "empty" has none
  EXPECT_EQ(defines("!", "中国"), (V{"zh:中国=China"}));
  EXPECT_EQ(words("*", Strategy::exact, "APPLE"), (V{"en:Apple", "en:apple", "zh:apple"}));
  EXPECT_EQ(words("!", Strategy::prefix, "中"), (V{"zh:中国", "zh:中文"}));
}

TEST_F(StoreTest, Limits) {
  EXPECT_EQ(defines("*", "apple", 2), (V{"en:Apple=a fruit", "en:apple=the tree"}));
  EXPECT_EQ(defines("*", "apple", 1).size(), 1u);
  EXPECT_EQ(words("*", Strategy::prefix, "app", 3), (V{"en:Apple", "en:apple", "en:applet"}));
  EXPECT_EQ(words("en", Strategy::substring, "", 2).size(), 2u);
  EXPECT_EQ(words("en", Strategy::lev, "cat", 1).size(), 1u);
  EXPECT_EQ(store_->define("*", "apple", SIZE_MAX).size(), 3u);
  EXPECT_EQ(store_->match("*", Strategy::prefix, "", SIZE_MAX).size(), 19u);
  EXPECT_EQ(store_->define("*", "apple", 0).size(), 0u);
}

TEST_F(StoreTest, Strategies) {
  EXPECT_EQ(words("en", Strategy::exact, "Robert"), (V{"en:Robert"}));
  EXPECT_EQ(words("en", Strategy::prefix, "APPL"), (V{"en:Apple", "en:apple", "en:applet", "en:apply"}));
  EXPECT_EQ(words("en", Strategy::suffix, "ple"), (V{"en:Apple", "en:apple", "en:maple", "en:pineapple"}));
  EXPECT_EQ(words("en", Strategy::substring, "PPL"),
            (V{"en:Apple", "en:apple", "en:applet", "en:apply", "en:pineapple"}));
  EXPECT_EQ(words("en", Strategy::soundex, "Rubert"), (V{"en:Robert", "en:Rupert"}));
  EXPECT_EQ(words("en", Strategy::lev, "cat"), (V{"en:at", "en:cart"}));  // not "cat" itself
  EXPECT_EQ(words("en", Strategy::lev, "aple"), (V{"en:Apple", "en:apple", "en:maple"}));
  EXPECT_EQ(words("en", Strategy::lev, "b"), (V{"en:a"}));  // the short-word scan
  EXPECT_EQ(words("en", Strategy::lev, "t"), (V{"en:a", "en:at"}));
  EXPECT_EQ(words("zh", Strategy::lev, "中"), (V{"zh:中国", "zh:中文"}));
  EXPECT_EQ(words("zh", Strategy::suffix, "文"), (V{"zh:中文"}));
  EXPECT_EQ(words("zh", Strategy::soundex, "中文"), V{});
}

TEST_F(StoreTest, InjectionShapesAreJustWords) {
  EXPECT_EQ(defines("en", "'; DROP TABLE words; --"), (V{"en:'; DROP TABLE words; --=an injection"}));
  EXPECT_EQ(defines("en", "x' OR '1'='1"), (V{"en:x' OR '1'='1=another"}));
  EXPECT_EQ(defines("en' OR '1'='1", "apple"), V{});
  EXPECT_EQ(words("en", Strategy::prefix, "100%"), (V{"en:100%_done"}));
  EXPECT_EQ(words("en", Strategy::substring, "%"), (V{"en:100%_done"}));
  EXPECT_EQ(words("en", Strategy::substring, "_"), (V{"en:100%_done"}));
  EXPECT_EQ(words("en", Strategy::prefix, "' OR 1=1 --"), V{});
  EXPECT_EQ(store_->databases().size(), 3u);  // nothing dropped
}

TEST_F(StoreTest, BadBytesMatchNothing) {
  EXPECT_EQ(defines("en", "apple\xFF"), V{});
  EXPECT_EQ(defines("en", std::string("apple\0x", 7)), V{});
  EXPECT_EQ(words("en", Strategy::prefix, "\xC0"), V{});
}

TEST_F(StoreTest, ReplaceAndRollBack) {
  {
    auto writer = open_store_writer(path_);
    add(*writer, "en", "replaced", {{"only", "one"}});
    // destroyed without commit: rolled back
  }
  EXPECT_EQ(store_->databases()[1].words, 16u);
  {
    auto writer = open_store_writer(path_);
    add(*writer, "en", "replaced", {{"only", "one"}});
    writer->commit();
  }
  EXPECT_EQ(defines("en", "apple"), V{});
  EXPECT_EQ(defines("en", "only"), (V{"en:only=one"}));
  EXPECT_EQ(store_->databases()[1].description, "replaced");
}

TEST(OpenStore, ClearErrors) {
  try {
    open_store("/nonexistent/dir/words.sqlite", true);
    FAIL();
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/dir/words.sqlite"), std::string::npos) << error.what();
  }
  char pattern[] = "/tmp/muxd-dict-empty-XXXXXX";
  int fd = ::mkstemp(pattern);
  ASSERT_GE(fd, 0);
  ::close(fd);
  try {
    open_store(pattern, true);
    FAIL();
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("not a muxd dictionary"), std::string::npos) << error.what();
  }
  ::unlink(pattern);
}

}  // namespace
}  // namespace muxd::dict
