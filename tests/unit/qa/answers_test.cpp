// qa::Answers: the course's table, the matching rule, the answers file.
#include "qa/answers.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <system_error>

namespace muxd::qa {
namespace {

const std::string kDefault = "人家还小，不知道。";

TEST(QaAnswers, TheCoursesTable) {
  Answers answers = Answers::course();
  EXPECT_EQ(answers.size(), 4u);
  EXPECT_EQ(answers.answer("你好"), "你好啊！");
  EXPECT_EQ(answers.answer("你叫什么名字？"), "我叫小美");
  EXPECT_EQ(answers.answer("你是男生女生"), "我是机器人啦");
  EXPECT_EQ(answers.answer("请问你几岁了"), "我2岁啦");
  EXPECT_EQ(answers.answer("今天天气怎么样"), kDefault);
  EXPECT_EQ(answers.answer(""), kDefault);
  EXPECT_EQ(answers.answer("你"), kDefault);  // the start of a keyword is not the keyword
}

TEST(QaAnswers, TheDefaultAnswerCanBeChanged) {
  Answers answers = Answers::course();
  answers.set_default_answer("不知道");
  EXPECT_EQ(answers.answer("天气"), "不知道");
  EXPECT_EQ(answers.answer("你好"), "你好啊！");
}

TEST(QaAnswers, TheLongestKeywordWinsWhereverItIs) {
  Answers answers = Answers::course();
  // The course's server answers 你好啊！ here (its dict's first key); the longest is 你几岁.
  EXPECT_EQ(answers.answer("你好，你几岁"), "我2岁啦");
  EXPECT_EQ(answers.answer("你几岁？你好"), "我2岁啦");
  EXPECT_EQ(answers.answer("你好，你是男生女生，你几岁"), "我是机器人啦");
}

TEST(QaAnswers, LongestCountsCharactersNotBytes) {
  Answers answers = Answers::parse("你好呀\tthree characters, nine bytes\nhello\tfive characters\n", "t");
  EXPECT_EQ(answers.answer("你好呀 hello"), "five characters");
  EXPECT_EQ(answers.answer("你好呀"), "three characters, nine bytes");
}

TEST(QaAnswers, ATieGoesToTheEarlierLine) {
  Answers answers = Answers::parse("ab\tfirst\ncd\tsecond\n", "t");
  EXPECT_EQ(answers.answer("cd ab"), "first");
  EXPECT_EQ(answers.answer("ab cd"), "first");
  Answers reversed = Answers::parse("cd\tsecond\nab\tfirst\n", "t");
  EXPECT_EQ(reversed.answer("ab cd"), "second");
  Answers overlapping = Answers::parse("好人\tgood person\n你好\thello\n", "t");
  EXPECT_EQ(overlapping.answer("你好人"), "good person");  // they share 好: both are found
}

TEST(QaAnswers, KeywordsInsideKeywordsAreAllFound) {
  Answers answers = Answers::parse("好\tshort\n你好吗\tlong\n你好\tmiddle\n", "t");
  EXPECT_EQ(answers.answer("你好吗"), "long");
  EXPECT_EQ(answers.answer("你好么"), "middle");
  EXPECT_EQ(answers.answer("好么"), "short");
}

TEST(QaAnswers, InvalidBytesMatchNothingAndNeverShowInAnAnswer) {
  Answers answers = Answers::course();
  EXPECT_EQ(answers.answer("\xff\xfe你好\xe4"), "你好啊！");  // a keyword among invalid bytes
  EXPECT_EQ(answers.answer("\xe4你好"), "你好啊！");          // after a cut character
  EXPECT_EQ(answers.answer("你\xff好"), kDefault);             // a keyword split by one is not there
  EXPECT_EQ(answers.answer("\xe4\xbd"), kDefault);             // half of 你
  EXPECT_EQ(answers.answer(std::string("\xc4\xe3\xba\xc3", 4)), kDefault);  // 你好 in GBK
  EXPECT_EQ(answers.answer(std::string("\0你好\0", 8)), "你好啊！");
  // Matching starts at characters only: the overlong form C1 81 is not 'A'.
  Answers ascii = Answers::parse("A\tletter a\n", "t");
  EXPECT_EQ(ascii.answer("\xc1\x81"), kDefault);
  EXPECT_EQ(ascii.answer("\xc1" "A"), "letter a");
}

TEST(QaAnswers, AFileOfLinesWithCommentsBlankLinesAndCrlf) {
  Answers answers = Answers::parse("# greetings\r\n\r\n你好\t你好啊！ 有什么问题？\r\nbye\tsee you  later\n\n", "a.tsv");
  EXPECT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers.answer("你好"), "你好啊！ 有什么问题？");
  EXPECT_EQ(answers.answer("bye"), "see you  later");
  EXPECT_EQ(answers.answer("叫什么"), kDefault);  // a file replaces the course's table
  EXPECT_EQ(Answers::parse("last\tline without a newline", "t").answer("last"), "line without a newline");
}

// The error parse() throws for `text`.
std::string error_of(std::string_view text) {
  try {
    Answers::parse(text, "a.tsv");
  } catch (const AnswersError& error) {
    return error.what();
  }
  return "no error";
}

TEST(QaAnswers, EachBadLineIsNamedWithItsReason) {
  EXPECT_EQ(error_of("ok\tfine\nno tab here\n"), "a.tsv:2: no tab between the keyword and the answer");
  EXPECT_EQ(error_of("\tanswer\n"), "a.tsv:1: empty keyword");
  EXPECT_EQ(error_of("# c\nkeyword\t\n"), "a.tsv:2: empty answer");
  EXPECT_EQ(error_of("a\tb\tc\n"), "a.tsv:1: the answer holds a control character");
  EXPECT_EQ(error_of("a\x01\tb\n"), "a.tsv:1: the keyword holds a control character");
  EXPECT_EQ(error_of("a\tb\x7f\n"), "a.tsv:1: the answer holds a control character");
  EXPECT_EQ(error_of("a\r\r\nb\tc\n"), "a.tsv:1: no tab between the keyword and the answer");
  EXPECT_EQ(error_of("\xc4\xe3\tgbk\n"), "a.tsv:1: the keyword is not valid UTF-8");
  EXPECT_EQ(error_of("k\t\xe4\xbd\n"), "a.tsv:1: the answer is not valid UTF-8");
  EXPECT_EQ(error_of("你好\tone\nx\ty\n你好\ttwo\n"), "a.tsv:3: the keyword is already on line 1");
  EXPECT_EQ(error_of(""), "a.tsv: no keyword<TAB>answer line");
  EXPECT_EQ(error_of("# only a comment\n\n"), "a.tsv: no keyword<TAB>answer line");
}

TEST(QaAnswers, KeywordAndAnswerLengthsAreBounded) {
  std::string keyword(kMaxKeywordBytes, 'k'), answer(kMaxAnswerBytes, 'a');
  Answers at_limits = Answers::parse(keyword + "\t" + answer + "\n", "t");
  EXPECT_EQ(at_limits.answer("x" + keyword + "x"), answer);
  EXPECT_EQ(error_of(keyword + "k\ta\n"), "a.tsv:1: the keyword is longer than 120 bytes");
  EXPECT_EQ(error_of("k\t" + answer + "a\n"), "a.tsv:1: the answer is longer than 1024 bytes");
  EXPECT_EQ(Answers::check_answer(answer), "");
  EXPECT_EQ(Answers::check_answer(answer + "a"), "the answer is longer than 1024 bytes");
  EXPECT_EQ(Answers::check_answer(""), "empty answer");
  EXPECT_EQ(Answers::check_answer("two\nlines"), "the answer holds a control character");
}

TEST(QaAnswers, TheNumberOfKeywordsIsBounded) {
  std::string text;
  for (size_t i = 0; i < kMaxEntries; ++i) text += "k" + std::to_string(i) + "\tanswer " + std::to_string(i) + "\n";
  Answers full = Answers::parse(text, "t");
  EXPECT_EQ(full.size(), kMaxEntries);
  EXPECT_EQ(full.answer("k9999"), "answer 9999");
  EXPECT_EQ(full.answer("k12"), "answer 12");  // k1 is there too: k12 is longer
  EXPECT_EQ(error_of(text + "one\ttoo many\n"), "a.tsv:10001: more than 10000 keywords");
}

class QaAnswersFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/muxd-qa-answers-XXXXXX";
    int fd = ::mkstemp(name);
    ASSERT_GE(fd, 0);
    ::close(fd);
    path = name;
  }
  void TearDown() override { std::remove(path.c_str()); }
  void write(const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

  std::string path;
};

TEST_F(QaAnswersFile, IsReadAndParsed) {
  write("天气\t晴天\n");
  EXPECT_EQ(Answers::load(path).answer("今天天气怎么样"), "晴天");
}

TEST_F(QaAnswersFile, ErrorsNameTheFile) {
  write("天气\t晴天\nbad\n");
  try {
    Answers::load(path);
    FAIL() << "no error";
  } catch (const AnswersError& error) {
    EXPECT_EQ(std::string(error.what()), path + ":2: no tab between the keyword and the answer");
  }
}

TEST_F(QaAnswersFile, OneTooLargeIsRefusedBeforeParsing) {
  write(std::string(kMaxFileBytes + 1, '#'));
  EXPECT_THROW(Answers::load(path), AnswersError);
  write(std::string(kMaxFileBytes - 6, '#') + "\na\tb\n");  // exactly the limit
  EXPECT_EQ(Answers::load(path).answer("a"), "b");
}

TEST_F(QaAnswersFile, AMissingFileOrADirectory) {
  try {
    Answers::load(path + ".missing");
    FAIL() << "no error";
  } catch (const std::system_error& error) {
    EXPECT_EQ(error.code().value(), ENOENT);
  }
  EXPECT_THROW(Answers::load("/tmp"), AnswersError);  // not a regular file
}

}  // namespace
}  // namespace muxd::qa
