#include "dict/session.h"

#include <fmt/format.h>

#include <algorithm>

namespace muxd::dict {
namespace {

constexpr std::string_view kMimeHeader = "Content-type: text/plain; charset=utf-8\r\nContent-transfer-encoding: 8bit\r\n\r\n";

const char* const kStrategyList[][2] = {
    {"exact", "Match headwords exactly"},
    {"prefix", "Match prefixes"},
    {"substring", "Match substring occurring anywhere in a headword"},
    {"suffix", "Match suffixes"},
    {"lev", "Match headwords within Levenshtein distance one"},
    {"soundex", "Match using SOUNDEX algorithm"},
};

constexpr std::string_view kHelp =
    "DEFINE database word         -- look up word in database\n"
    "MATCH database strategy word -- match word in database using strategy\n"
    "SHOW DB                      -- list all accessible databases\n"
    "SHOW DATABASES               -- list all accessible databases\n"
    "SHOW STRAT                   -- list available matching strategies\n"
    "SHOW STRATEGIES              -- list available matching strategies\n"
    "SHOW INFO database           -- provide information about the database\n"
    "SHOW SERVER                  -- provide site-specific information\n"
    "OPTION MIME                  -- use MIME headers\n"
    "CLIENT info                  -- identify client to server\n"
    "STATUS                       -- display timing information\n"
    "HELP                         -- display this help information\n"
    "QUIT                         -- terminate connection\n"
    "\n"
    "database: a name from SHOW DB, \"*\" for all, \"!\" for the first that has the word\n"
    "strategy: a name from SHOW STRAT, \".\" for the default (lev)\n";

const DatabaseInfo* find_database(const QueryResult& result, std::string_view name) {
  auto it = std::find_if(result.databases.begin(), result.databases.end(),
                         [&](const DatabaseInfo& db) { return db.name == name; });
  return it == result.databases.end() ? nullptr : &*it;
}

}  // namespace

void append_text(OutputQueue& out, std::string_view body) {
  while (!body.empty()) {
    size_t end = body.find('\n');
    std::string_view line = body.substr(0, end);
    body = end == std::string_view::npos ? std::string_view() : body.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && line.front() == '.') out.append(".");
    out.append(line);
    out.append("\r\n");
  }
  out.append(".\r\n");
}

void Session::status(OutputQueue& out, std::string_view line) {
  out.append(line);
  out.append("\r\n");
  restart_timeout_ = true;
}

void Session::text(OutputQueue& out, std::string_view body) {
  if (mime_) out.append(kMimeHeader);
  append_text(out, body);
}

void Session::on_start(OutputQueue& out) {
  status(out, fmt::format("220 muxd dict (RFC 2229) <mime> {}", msg_id_));
}

// Answers every whole line in `data` until one must wait for the database.
size_t Session::on_data(std::string_view data, OutputQueue& out) {
  size_t used = 0;
  while (used < data.size() && !waiting_ && !closing_ && out.pending_bytes() < kMaxQueuedOutput) {
    std::string_view rest = data.substr(used);
    size_t newline = rest.find('\n');
    if (discarding_) {  // the rest of a line that was too long
      if (newline == std::string_view::npos) return data.size();
      used += newline + 1;
      discarding_ = false;
      continue;
    }
    if (newline == std::string_view::npos) {
      if (rest.size() < kMaxLineBytes) break;  // the line may still end within the limit
      status(out, "500 Syntax error, line too long");
      discarding_ = true;
      return data.size();
    }
    used += newline + 1;
    if (newline + 1 > kMaxLineBytes) {
      status(out, "500 Syntax error, line too long");
      continue;
    }
    std::string_view line = rest.substr(0, newline);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    execute(line, out);
  }
  restart_timeout_ = restart_timeout_ || used > 0;
  return used;
}

void Session::execute(std::string_view line, OutputQueue& out) {
  ++commands_;
  ParsedLine parsed = parse_command(line);
  if (!parsed.ok) return status(out, fmt::format("{} {}", parsed.error.code, parsed.error.message));
  const Command& command = parsed.command;
  Query query;
  switch (command.verb) {
    case Verb::define:
      query = Query{Query::Kind::define, command.database, Strategy::exact, command.word, limits_.max_definitions};
      return ask(command, std::move(query), out);
    case Verb::match:
      query = Query{Query::Kind::match, command.database, Strategy::exact, command.word, limits_.max_matches};
      if (!parse_strategy(command.strategy, query.strategy))
        return status(out, "551 Invalid strategy, use \"SHOW STRAT\" for a list of strategies");
      return ask(command, std::move(query), out);
    case Verb::show_db:
    case Verb::show_info:
      query.kind = Query::Kind::databases;
      return ask(command, std::move(query), out);
    case Verb::show_strat: {
      status(out, fmt::format("111 {} strategies available - text follows", std::size(kStrategyList)));
      std::string body;
      for (const auto& strategy : kStrategyList) body += fmt::format("{} {}\n", strategy[0], quote_string(strategy[1]));
      text(out, body);
      return status(out, "250 ok");
    }
    case Verb::show_server:
      status(out, "114 server information follows");
      text(out, "muxd dict: RFC 2229 over TCP, and the course's word lookup over UDP\n"
                "Databases are in a words table on SQLite or PostgreSQL; see SHOW DB.\n");
      return status(out, "250 ok");
    case Verb::client:
      return status(out, "250 ok");
    case Verb::status:
      return status(out, fmt::format("210 status [d/m/c = {}/{}/{}]", definitions_, matches_, commands_));
    case Verb::help:
      status(out, "113 help text follows");
      text(out, kHelp);
      return status(out, "250 ok");
    case Verb::option_mime:
      mime_ = true;
      return status(out, "250 ok - MIME headers will be sent");
    case Verb::quit:
      closing_ = true;
      return status(out, "221 bye");
  }
}

// Hands the query to the backend; the answer comes back as a resumed step.
// The step names `this`, but a Resume runs it only while the session lives.
void Session::ask(const Command& command, Query query, OutputQueue& out) {
  waiting_ = command;
  bool taken = resume_ && backend_.submit(std::move(query), [this, resume = resume_](QueryResult result) {
    auto shared = std::make_shared<QueryResult>(std::move(result));
    resume([this, shared](OutputQueue& o) { answer(*waiting_, *shared, o); });
  });
  if (!taken) {
    waiting_.reset();
    status(out, "420 Server temporarily unavailable");
  }
}

void Session::answer(const Command& command, const QueryResult& result, OutputQueue& out) {
  Command done = command;  // `command` is *waiting_
  waiting_.reset();
  restart_timeout_ = true;
  if (result.status == QueryResult::Status::failed) {
    status(out, "420 Server temporarily unavailable");
  } else if (done.verb == Verb::show_db) {
    answer_databases(result, out);
  } else if (done.verb == Verb::show_info) {
    answer_info(done.database, result, out);
  } else if (result.status == QueryResult::Status::unknown_database) {
    status(out, "550 Invalid database, use \"SHOW DB\" for list of databases");
  } else if (done.verb == Verb::define) {
    answer_define(result, out);
  } else {
    answer_match(result, out);
  }
  if (stopping_) {
    status(out, "421 Server shutting down at operator request");
    closing_ = true;
  }
}

void Session::answer_define(const QueryResult& result, OutputQueue& out) {
  if (result.entries.empty()) return status(out, "552 No match");
  definitions_ += result.entries.size();
  status(out, fmt::format("150 {} definitions retrieved", result.entries.size()));
  for (const Entry& entry : result.entries) {
    const DatabaseInfo* db = find_database(result, entry.database);
    status(out, fmt::format("151 {} {} {}", quote_string(entry.word), entry.database,
                            quote_string(db ? db->description : entry.database)));
    text(out, entry.meaning);
  }
  status(out, "250 ok");
}

void Session::answer_match(const QueryResult& result, OutputQueue& out) {
  if (result.entries.empty()) return status(out, "552 No match");
  matches_ += result.entries.size();
  status(out, fmt::format("152 {} matches found - text follows", result.entries.size()));
  std::string body;
  for (const Entry& entry : result.entries) body += fmt::format("{} {}\n", entry.database, quote_string(entry.word));
  text(out, body);
  status(out, "250 ok");
}

void Session::answer_databases(const QueryResult& result, OutputQueue& out) {
  if (result.databases.empty()) return status(out, "554 No databases present");
  status(out, fmt::format("110 {} databases present - text follows", result.databases.size()));
  std::string body;
  for (const DatabaseInfo& db : result.databases) body += fmt::format("{} {}\n", db.name, quote_string(db.description));
  text(out, body);
  status(out, "250 ok");
}

void Session::answer_info(const std::string& name, const QueryResult& result, OutputQueue& out) {
  const DatabaseInfo* db = find_database(result, name);
  if (!db) return status(out, "550 Invalid database, use \"SHOW DB\" for list of databases");
  status(out, fmt::format("112 database information follows"));
  text(out, fmt::format("{}\n\n{}\n{} words\n", db->name, db->description, db->words));
  status(out, "250 ok");
}

void Session::on_peer_closed(OutputQueue&) { closing_ = true; }

void Session::on_timeout(OutputQueue&) { close_now_ = true; }  // idle: no code fits (421 is the operator's)

void Session::on_stop(OutputQueue& out) {
  stopping_ = true;
  if (waiting_ || closing_) return;  // the answer in flight comes first
  status(out, "421 Server shutting down at operator request");
  closing_ = true;
}

SessionWants Session::wants(const OutputQueue& out) {
  SessionWants wants;
  if (close_now_) {
    wants.close = SessionWants::Close::now;
    return wants;
  }
  wants.timeout = kIdleTimeout;
  wants.restart_timeout = restart_timeout_;
  wants.restart_on_progress = !out.empty();  // a slow reader is not idle
  restart_timeout_ = false;
  if (waiting_) {
    wants.read = false;  // pipelined commands wait their turn
    return wants;
  }
  if (closing_) {
    wants.close = discarding_ ? SessionWants::Close::after_output_lingering : SessionWants::Close::after_output;
    return wants;
  }
  wants.read = out.pending_bytes() < kMaxQueuedOutput;
  wants.idle = out.empty() && !discarding_;
  return wants;
}

}  // namespace muxd::dict
