#include "actors/shop_connection.hpp"

#include "log/log.hpp"

#include <caf/all.hpp>

#include <deque>
#include <map>

namespace nexsync::actors {

bool is_manual_direction(const std::string& direction, const std::string& trigger) {
  return trigger == "manual" &&
         (direction == "products" || direction == "customers" || direction == "orders" || direction == "inventory");
}

std::int64_t unix_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

struct queued_job {
  sync_request request;
  caf::typed_response_promise<sync_reply> promise;
};

struct shop_connection_state {
  std::int64_t tenant_id = 0;
  std::string shop;
  job_starter starter;
  std::chrono::milliseconds idle{};
  bool busy = false;
  job_progress running;
  caf::typed_response_promise<sync_reply> current;
  std::deque<queued_job> queue;
  std::map<std::string, sync_result> last;
  std::vector<caf::actor> subscribers;
  caf::actor_clock::time_point last_activity{};
  static inline const char* name = "shop_connection";
};

using connection_ptr = shop_connection_actor::stateful_pointer<shop_connection_state>;

void broadcast(connection_ptr self, const sync_event& event) {
  for (auto& s : self->state.subscribers) caf::anon_send(s, event);
}

void start(connection_ptr self, queued_job job) {
  auto& st = self->state;
  st.busy = true;
  st.running = job_progress{0, job.request.direction, job.request.trigger, 0, 0, unix_millis()};
  st.current = job.promise;
  st.last_activity = self->clock().now();
  broadcast(self, sync_event{"progress", st.running, {}});
  try {
    st.starter(self, st.tenant_id, st.shop, job.request);
  } catch (const std::exception& e) {
    // A job that cannot even start fails alone; the connection stays up.
    sync_result r;
    r.direction = job.request.direction;
    r.trigger = job.request.trigger;
    r.error = std::string{"could not start: "} + e.what();
    self->send(self, finished_atom_v, r);
  }
}

void schedule_idle_check(connection_ptr self) {
  self->delayed_send(self, self->state.idle, idle_check_atom_v);
}

shop_connection_actor::behavior_type shop_connection(connection_ptr self, std::int64_t tenant_id, std::string shop,
                                                     job_starter starter, std::chrono::milliseconds idle) {
  auto& st = self->state;
  st.tenant_id = tenant_id;
  st.shop = std::move(shop);
  st.starter = std::move(starter);
  st.idle = idle;
  st.last_activity = self->clock().now();
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& subs = self->state.subscribers;
    subs.erase(std::remove_if(subs.begin(), subs.end(), [&](const caf::actor& a) { return a.address() == msg.source; }),
               subs.end());
  });
  // On shutdown the waiting requesters (a click, a cron request) get an error at once.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    auto& st = self->state;
    if (st.busy) st.current.deliver(caf::make_error(caf::sec::request_receiver_down));
    for (auto& job : st.queue) job.promise.deliver(caf::make_error(caf::sec::request_receiver_down));
    st.queue.clear();
    st.busy = false;
    self->quit(msg.reason);
  });
  schedule_idle_check(self);
  return {
      [self](sync_atom, sync_request& req) -> caf::result<sync_reply> {
        auto& st = self->state;
        st.last_activity = self->clock().now();
        if (st.busy && is_manual_direction(req.direction, req.trigger)) {
          sync_reply refused;
          refused.refused = true;
          refused.running = st.running;
          return refused;
        }
        // Background work needs one queued run per kind: a queued "webhook" run applies every event
        // stored before it starts, a queued reconcile walks everything, so a second one adds nothing.
        if (!is_manual_direction(req.direction, req.trigger)) {
          for (auto& job : st.queue) {
            if (job.request.direction == req.direction) {
              sync_reply merged;
              merged.running = job_progress{0, req.direction, req.trigger, 0, 0, 0};
              return merged;
            }
          }
        }
        auto promise = self->make_response_promise<sync_reply>();
        if (st.busy) st.queue.push_back({std::move(req), promise});
        else start(self, {std::move(req), promise});
        return promise;
      },
      [self](status_atom) {
        auto& st = self->state;
        connection_status s;
        s.busy = st.busy;
        s.running = st.running;
        s.queued = st.queue.size();
        for (auto& [direction, result] : st.last) s.last.push_back(result);
        return s;
      },
      [self](subscribe_atom, caf::actor subscriber) {
        self->monitor(subscriber);
        self->state.subscribers.push_back(std::move(subscriber));
      },
      [self](progress_atom, job_progress& p) {
        auto& st = self->state;
        if (!st.busy) return;
        st.running.run_id = p.run_id;
        st.running.done = p.done;
        st.running.total = p.total;
        st.last_activity = self->clock().now();
        broadcast(self, sync_event{"progress", st.running, {}});
      },
      [self](finished_atom, sync_result& r) {
        auto& st = self->state;
        if (!st.busy) return;
        st.busy = false;
        st.last[r.direction] = r;
        st.last_activity = self->clock().now();
        if (!r.error.empty() && !r.stopped)  // a stop's runs are logged once, by the job
          log::warn("sync", "job failed", {{"tenant_id", st.tenant_id}, {"direction", r.direction}, {"error", r.error}});
        sync_reply reply;
        reply.result = r;
        st.current.deliver(reply);
        broadcast(self, sync_event{"finished", {}, r});
        if (!st.queue.empty()) {
          auto next = std::move(st.queue.front());
          st.queue.pop_front();
          start(self, std::move(next));
        }
      },
      [self](idle_check_atom) {
        auto& st = self->state;
        auto quiet = self->clock().now() - st.last_activity;
        if (!st.busy && st.queue.empty() && st.subscribers.empty() && quiet >= st.idle) {
          self->quit();
          return;
        }
        schedule_idle_check(self);
      },
  };
}

struct registry_state {
  job_starter starter;
  std::chrono::milliseconds idle{};
  std::map<std::pair<std::int64_t, std::string>, shop_connection_actor> connections;
  static inline const char* name = "connection_registry";
};

using registry_ptr = connection_registry_actor::stateful_pointer<registry_state>;

shop_connection_actor connection_for(registry_ptr self, std::int64_t tenant_id, const std::string& shop) {
  auto& all = self->state.connections;
  auto key = std::make_pair(tenant_id, shop);
  auto it = all.find(key);
  if (it != all.end()) return it->second;
  auto conn = spawn_shop_connection(self->system(), tenant_id, shop, self->state.starter, self->state.idle);
  self->monitor(conn);
  all.emplace(key, conn);
  return conn;
}

connection_registry_actor::behavior_type connection_registry(registry_ptr self, job_starter starter,
                                                             std::chrono::milliseconds idle) {
  self->state.starter = std::move(starter);
  self->state.idle = idle;
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& all = self->state.connections;
    for (auto it = all.begin(); it != all.end(); ++it) {
      if (it->second.address() == msg.source) {
        all.erase(it);
        return;
      }
    }
  });
  // Shutting the registry down shuts its connections down too.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    for (auto& [key, conn] : self->state.connections) self->send_exit(conn, msg.reason);
    self->quit(msg.reason);
  });
  return {
      [self](connection_atom, std::int64_t tenant_id, const std::string& shop) {
        return connection_for(self, tenant_id, shop);
      },
      [self](sync_atom, std::int64_t tenant_id, const std::string& shop, sync_request& req) {
        caf::anon_send(connection_for(self, tenant_id, shop), sync_atom_v, std::move(req));
      },
      [self](count_atom) { return static_cast<std::uint64_t>(self->state.connections.size()); },
  };
}

}  // namespace

shop_connection_actor spawn_shop_connection(caf::actor_system& sys, std::int64_t tenant_id, std::string shop,
                                            job_starter starter, std::chrono::milliseconds idle) {
  return sys.spawn(shop_connection, tenant_id, std::move(shop), std::move(starter), idle);
}

connection_registry_actor spawn_connection_registry(caf::actor_system& sys, job_starter starter,
                                                    std::chrono::milliseconds idle) {
  return sys.spawn(connection_registry, std::move(starter), idle);
}

}  // namespace nexsync::actors
