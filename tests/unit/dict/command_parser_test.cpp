// The DICT command line (RFC 2229 §2.2): words, quoting, commands, strategies.
#include "dict/command_parser.h"

#include <gtest/gtest.h>

namespace muxd::dict {
namespace {

std::vector<std::string> words(std::string_view line) {
  std::vector<std::string> out;
  EXPECT_TRUE(split_words(line, out)) << line;
  return out;
}

bool splits(std::string_view line) {
  std::vector<std::string> out;
  return split_words(line, out);
}

using Words = std::vector<std::string>;

TEST(DictWords, AtomsAndStringsSeparatedBySpacesAndTabs) {
  EXPECT_EQ(words("DEFINE * cat"), (Words{"DEFINE", "*", "cat"}));
  EXPECT_EQ(words("  DEFINE\t\t wn   cat  "), (Words{"DEFINE", "wn", "cat"}));
  EXPECT_EQ(words("DEFINE * \"hot dog\""), (Words{"DEFINE", "*", "hot dog"}));
  EXPECT_EQ(words("DEFINE * 'hot dog'"), (Words{"DEFINE", "*", "hot dog"}));
  EXPECT_EQ(words("DEFINE * \"it's\""), (Words{"DEFINE", "*", "it's"}));
  EXPECT_EQ(words("DEFINE * 'say \"x\"'"), (Words{"DEFINE", "*", "say \"x\""}));
  EXPECT_EQ(words("DEFINE * \"a\\\"b\\\\c\\d\""), (Words{"DEFINE", "*", "a\"b\\cd"}));  // \ quotes any character
  EXPECT_EQ(words("DEFINE * \"\""), (Words{"DEFINE", "*", ""}));
  EXPECT_EQ(words("DEFINE * 中文"), (Words{"DEFINE", "*", "中文"}));
  EXPECT_EQ(words(""), Words{});
  EXPECT_EQ(words("x \"tab\tinside\""), (Words{"x", "tab\tinside"}));
}

TEST(DictWords, SyntaxErrors) {
  EXPECT_FALSE(splits("DEFINE * \"open"));
  EXPECT_FALSE(splits("DEFINE * 'open"));
  EXPECT_FALSE(splits("DEFINE * \"ends in backslash\\"));
  EXPECT_FALSE(splits("DEFINE * \"a\"b"));   // a string must end its parameter
  EXPECT_FALSE(splits("DEFINE * a\"b\""));   // quotes inside an atom
  EXPECT_FALSE(splits("DEFINE * back\\slash"));
  EXPECT_FALSE(splits(std::string("DEFINE * nul\0x", 14)));
  EXPECT_FALSE(splits("DEFINE * \x7f"));
  EXPECT_FALSE(splits("DEFINE * \"bell\x07\""));
  EXPECT_FALSE(splits("DEFINE * \xc3"));      // truncated UTF-8
  EXPECT_FALSE(splits("DEFINE * \xc0\xaf"));  // overlong
}

TEST(DictCommands, VerbsAreCaseInsensitiveAndParametersKept) {
  ParsedLine parsed = parse_command("define WN Cat");
  ASSERT_TRUE(parsed.ok);
  EXPECT_EQ(parsed.command.verb, Verb::define);
  EXPECT_EQ(parsed.command.database, "WN");
  EXPECT_EQ(parsed.command.word, "Cat");
  parsed = parse_command("Match * Prefix ca");
  ASSERT_TRUE(parsed.ok);
  EXPECT_EQ(parsed.command.verb, Verb::match);
  EXPECT_EQ(parsed.command.strategy, "Prefix");
  EXPECT_EQ(parse_command("show db").command.verb, Verb::show_db);
  EXPECT_EQ(parse_command("SHOW DATABASES").command.verb, Verb::show_db);
  EXPECT_EQ(parse_command("SHOW strat").command.verb, Verb::show_strat);
  EXPECT_EQ(parse_command("SHOW STRATEGIES").command.verb, Verb::show_strat);
  EXPECT_EQ(parse_command("SHOW INFO wn").command.database, "wn");
  EXPECT_EQ(parse_command("SHOW SERVER").command.verb, Verb::show_server);
  EXPECT_EQ(parse_command("CLIENT \"dict 1.13\" on Linux").command.word, "dict 1.13 on Linux");
  EXPECT_EQ(parse_command("status").command.verb, Verb::status);
  EXPECT_EQ(parse_command("HELP").command.verb, Verb::help);
  EXPECT_EQ(parse_command("option mime").command.verb, Verb::option_mime);
  EXPECT_EQ(parse_command("QUIT").command.verb, Verb::quit);
}

TEST(DictCommands, ErrorCodes) {
  auto code = [](std::string_view line) {
    ParsedLine parsed = parse_command(line);
    return parsed.ok ? 0 : parsed.error.code;
  };
  EXPECT_EQ(code("NOPE"), 500);
  EXPECT_EQ(code(""), 500);
  EXPECT_EQ(code("   "), 500);
  EXPECT_EQ(code("\"DEFINE\" * cat"), 0);  // a quoted command word is still a word (§2.2 allows it)
  EXPECT_EQ(code("DE\"FINE * cat"), 500);
  EXPECT_EQ(code("DEFINE"), 501);
  EXPECT_EQ(code("DEFINE *"), 501);
  EXPECT_EQ(code("DEFINE * a b"), 501);
  EXPECT_EQ(code("DEFINE * \"open"), 501);
  EXPECT_EQ(code("MATCH * prefix"), 501);
  EXPECT_EQ(code("SHOW"), 501);
  EXPECT_EQ(code("SHOW INFO"), 501);
  EXPECT_EQ(code("SHOW DB extra"), 501);
  EXPECT_EQ(code("CLIENT"), 501);
  EXPECT_EQ(code("STATUS now"), 501);
  EXPECT_EQ(code("OPTION"), 501);
  EXPECT_EQ(code("OPTION GZIP"), 503);
  EXPECT_EQ(code("AUTH user key"), 502);
  EXPECT_EQ(code("SASLAUTH PLAIN"), 502);
  EXPECT_EQ(code("DEFINE * " + std::string(kMaxWordBytes, 'a')), 0);
  EXPECT_EQ(code("DEFINE * " + std::string(kMaxWordBytes + 1, 'a')), 501);
}

TEST(DictStrategies, NamesAndTheDefault) {
  Strategy strategy{};
  for (Strategy s : {Strategy::exact, Strategy::prefix, Strategy::substring, Strategy::suffix, Strategy::lev,
                     Strategy::soundex}) {
    ASSERT_TRUE(parse_strategy(strategy_name(s), strategy));
    EXPECT_EQ(strategy, s);
  }
  ASSERT_TRUE(parse_strategy("PREFIX", strategy));
  EXPECT_EQ(strategy, Strategy::prefix);
  ASSERT_TRUE(parse_strategy(".", strategy));
  EXPECT_EQ(strategy, Strategy::lev);
  EXPECT_FALSE(parse_strategy("re", strategy));
  EXPECT_FALSE(parse_strategy("", strategy));
}

TEST(DictQuoting, QuotedIsTheInverseOfSplitting) {
  EXPECT_EQ(quote_string("cat"), "\"cat\"");
  EXPECT_EQ(quote_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
  for (std::string text : {"", "hot dog", "say \"x\"", "back\\slash", "中文 字"}) {
    EXPECT_EQ(words("x " + quote_string(text)), (Words{"x", text}));
  }
}

}  // namespace
}  // namespace muxd::dict
