#pragma once
// Logging facade. Components receive a Logger& instead of reaching for a global, so tests can
// capture or silence output. Never pass secrets (PSKs, keys) to a logger.
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace vpngw {

enum class LogLevel { Debug = 0, Info = 1, Warn = 2, Error = 3 };

std::string_view toString(LogLevel level);

class Logger {
 public:
  virtual ~Logger() = default;
  virtual void write(LogLevel level, std::string_view subsystem, std::string_view message) = 0;
  virtual bool enabled(LogLevel level) const = 0;

  void debug(std::string_view sub, std::string_view msg) { log(LogLevel::Debug, sub, msg); }
  void info(std::string_view sub, std::string_view msg) { log(LogLevel::Info, sub, msg); }
  void warn(std::string_view sub, std::string_view msg) { log(LogLevel::Warn, sub, msg); }
  void error(std::string_view sub, std::string_view msg) { log(LogLevel::Error, sub, msg); }

 private:
  void log(LogLevel l, std::string_view sub, std::string_view msg) {
    if (enabled(l)) {
      write(l, sub, msg);
    }
  }
};

// Writes "2026-11-22T03:10:00.123Z INFO  ike  message" lines to stderr.
class StderrLogger final : public Logger {
 public:
  explicit StderrLogger(LogLevel min) : min_(min) {}
  void write(LogLevel level, std::string_view subsystem, std::string_view message) override;
  bool enabled(LogLevel level) const override { return level >= min_; }

 private:
  LogLevel min_;
  std::mutex mu_;
};

class NullLogger final : public Logger {
 public:
  void write(LogLevel, std::string_view, std::string_view) override {}
  bool enabled(LogLevel) const override { return false; }
};

// Wall-clock time as ISO 8601 UTC with milliseconds ("2026-11-22T03:10:00.123Z").
std::string isoTimestamp(std::chrono::system_clock::time_point t);

}  // namespace vpngw
