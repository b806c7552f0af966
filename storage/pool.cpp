#include "storage/pool.hpp"

#include "log/log.hpp"

#include <stdexcept>

namespace nexsync::storage {

pool::pool(std::string url, std::size_t size, planning plans) : url_(std::move(url)), plans_(plans) {
  threads_.reserve(size);
  for (std::size_t i = 0; i < size; ++i) threads_.emplace_back([this] { work(); });
}

pool::~pool() { close(); }

void pool::close() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& t : threads_) {
    if (!t.joinable()) continue;
    if (t.get_id() == std::this_thread::get_id()) t.detach();  // the last owner let go on a pool thread
    else t.join();
  }
}

void pool::enqueue(job j) {
  {
    std::unique_lock lock{mutex_};
    if (!stopping_) {
      queue_.push_back(std::move(j));
      lock.unlock();
      ready_.notify_one();
      return;
    }
  }
  // Unavailable, as a lost database is: a request gets its 503, a job ends without a "crashed" error.
  j(nullptr, std::make_exception_ptr(unavailable("database pool closed: the server is stopping")));
}

void pool::work() {
  std::unique_ptr<connection> conn;
  for (;;) {
    job j;
    {
      std::unique_lock lock{mutex_};
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      j = std::move(queue_.front());
      queue_.pop_front();
    }
    ++busy_;
    std::exception_ptr connect_error;
    if (!conn || !conn->ok()) {
      conn.reset();
      try {
        conn = std::make_unique<connection>(url_, plans_);
      } catch (...) {
        ++failed_connects_;
        connect_error = std::current_exception();
      }
    }
    auto e = j(conn.get(), connect_error);
    if (e && conn && !conn->ok()) conn.reset();  // broken mid-job: reconnect next time
    --busy_;
    ++completed_;
  }
}

pool_stats pool::stats() const {
  pool_stats s;
  s.size = threads_.size();
  s.busy = busy_;
  s.completed = completed_;
  s.failed_connects = failed_connects_;
  std::lock_guard lock{mutex_};
  s.queued = queue_.size();
  return s;
}

}  // namespace nexsync::storage
