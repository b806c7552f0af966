#include "log/log.hpp"

#include <boost/json/serialize.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>

namespace nexsync::log {

namespace {

std::shared_ptr<spdlog::logger> make_logger() {
  auto logger = spdlog::stderr_logger_mt("nexsync");
  logger->set_pattern("%v");  // the line is already a complete JSON object
  logger->set_level(spdlog::level::info);
  return logger;
}

spdlog::logger& logger() {
  static auto instance = make_logger();
  return *instance;
}

std::string timestamp() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  auto n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03lldZ", static_cast<long long>(millis));
  return buf;
}

void write(spdlog::level::level_enum level, std::string_view module, std::string_view message, fields f) {
  auto& l = logger();
  if (!l.should_log(level)) return;
  boost::json::object line;
  line["ts"] = timestamp();
  line["level"] = spdlog::level::to_string_view(level).data();
  line["module"] = module;
  line["msg"] = message;
  for (auto& x : f) line[x.key] = x.value;
  l.log(level, boost::json::serialize(line));
}

}  // namespace

bool set_level(std::string_view level) {
  auto parsed = spdlog::level::from_str(std::string{level});
  if (parsed == spdlog::level::off && level != "off") return false;
  logger().set_level(parsed);
  return true;
}

void debug(std::string_view m, std::string_view msg, fields f) { write(spdlog::level::debug, m, msg, f); }
void info(std::string_view m, std::string_view msg, fields f) { write(spdlog::level::info, m, msg, f); }
void warn(std::string_view m, std::string_view msg, fields f) { write(spdlog::level::warn, m, msg, f); }
void error(std::string_view m, std::string_view msg, fields f) { write(spdlog::level::err, m, msg, f); }

}  // namespace nexsync::log
