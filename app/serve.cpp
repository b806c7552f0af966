#include "app/serve.hpp"

#include "app/instance.hpp"
#include "log/log.hpp"

#include <csignal>
#include <iostream>

namespace nexsync::app {

int serve(const config::settings& settings) {
  // Signals are taken by run_until_signal's signal_set; block them until then so no thread dies of one.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::unique_ptr<instance> server;
  try {
    server = std::make_unique<instance>(settings);
  } catch (const std::exception& e) {
    std::cerr << "nexsync: cannot listen on " << settings.listen << ": " << e.what() << "\n";
    return 1;
  }
  for (auto& line : config::describe(settings)) log::debug("config", line);
  auto ep = server->endpoint();
  std::cout << "nexsync listening on http://" << ep.address().to_string() << ":" << ep.port() << std::endl;
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  server->run_until_signal();
  return 0;
}

}  // namespace nexsync::app
