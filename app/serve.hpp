#pragma once
// `nexsync serve`: the HTTP server, the database pool and the actor system until SIGINT/SIGTERM.

#include "config/settings.hpp"

namespace nexsync::app {

/// Runs the server; returns the process exit code.
int serve(const config::settings& settings);

}  // namespace nexsync::app
