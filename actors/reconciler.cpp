#include "actors/reconciler.hpp"

#include "log/log.hpp"

#include <caf/all.hpp>

#include <map>

namespace nexsync::actors {

namespace {

struct reconciler_state {
  reconciler_state() = default;  // not an aggregate: CAF would try to build it from the actor pointer
  connection_registry_actor registry;
  walk_sources sources;
  std::chrono::milliseconds tick{};
  std::uint64_t next_key = 1;
  std::map<std::uint64_t, caf::typed_response_promise<std::vector<walk_order>>> waiting;  ///< cron requests
  static inline const char* name = "reconciler";
};

using reconciler_ptr = reconciler_actor::stateful_pointer<reconciler_state>;

// The sources answer on their own threads; the answer comes back as a message, so the actor's state
// is only ever touched by the actor.
walk_sources::reply answer_to(reconciler_ptr self, std::uint64_t key) {
  return [me = caf::actor_cast<reconciler_actor>(self), key](std::vector<walk_order> walks, std::string error) {
    caf::anon_send(me, walks_atom_v, key, std::move(walks), std::move(error));
  };
}

void queue_walks(reconciler_ptr self, const std::vector<walk_order>& walks) {
  for (auto& walk : walks) {
    sync_request request;
    request.direction = walk.direction;
    request.trigger = "cron";
    self->send(self->state.registry, sync_atom_v, walk.tenant_id, walk.shop, request);
  }
}

reconciler_actor::behavior_type reconciler(reconciler_ptr self, connection_registry_actor registry,
                                           walk_sources sources, std::chrono::milliseconds tick) {
  auto& st = self->state;
  st.registry = std::move(registry);
  st.sources = std::move(sources);
  st.tick = tick;
  self->set_exit_handler([self](caf::exit_msg& msg) {
    for (auto& [key, promise] : self->state.waiting) promise.deliver(caf::make_error(caf::sec::request_receiver_down));
    self->state.waiting.clear();
    self->quit(msg.reason);
  });
  self->delayed_send(self, tick, tick_atom_v);
  return {
      [self](tick_atom) {
        self->state.sources.due_now(answer_to(self, 0));
        self->delayed_send(self, self->state.tick, tick_atom_v);
      },
      [self](reconcile_atom) -> caf::result<std::vector<walk_order>> {
        auto key = self->state.next_key++;
        auto promise = self->make_response_promise<std::vector<walk_order>>();
        self->state.waiting.emplace(key, promise);
        self->state.sources.reconcile_all(answer_to(self, key));
        return promise;
      },
      [self](walks_atom, std::uint64_t key, std::vector<walk_order>& walks, std::string& error) {
        if (error.empty()) {
          queue_walks(self, walks);
          if (!walks.empty()) log::debug("sync", "walks queued", {{"count", static_cast<std::int64_t>(walks.size())}});
        } else {
          log::warn("sync", "could not look for walks to queue", {{"error", error}});
        }
        auto it = self->state.waiting.find(key);
        if (it == self->state.waiting.end()) return;
        if (error.empty())
          it->second.deliver(std::move(walks));
        else
          it->second.deliver(caf::make_error(caf::sec::runtime_error, error));
        self->state.waiting.erase(it);
      },
  };
}

}  // namespace

reconciler_actor spawn_reconciler(caf::actor_system& sys, connection_registry_actor registry, walk_sources sources,
                                  std::chrono::milliseconds tick) {
  return sys.spawn(reconciler, std::move(registry), std::move(sources), tick);
}

}  // namespace nexsync::actors
