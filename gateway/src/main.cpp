// mxscope-gateway: see docs/gateway.md.
#include <pthread.h>
#include <sys/stat.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "config.hpp"
#include "gateway.hpp"
#include "log.hpp"
#include "sqlite_store.hpp"

int main(int argc, char** argv) {
  mxgw::Config config;
  try {
    int code = 0;
    if (!mxgw::parse_args(config, argc, argv, code)) return code;
  } catch (const mxgw::ConfigError& e) {
    std::cerr << "mxscope-gateway: " << e.what() << "\n";
    return 2;
  }
  mxgw::log::set_level(config.log_level);
  ::umask(077);  // the store, key files and WAL are private to the gateway

  // SIGINT/SIGTERM are handled by one thread; every other thread blocks them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::unique_ptr<mxgw::Gateway> gateway;
  try {
    mxscope::init();
    auto store = std::make_unique<mxgw::SqliteStore>(config.store, config.store_timeout_ms);
    gateway = std::make_unique<mxgw::Gateway>(config, std::move(store));
  } catch (const std::exception& e) {
    mxgw::log::error(std::string("cannot start: ") + e.what());
    return 1;
  }
  std::atomic<bool> done{false};
  std::thread signals([&set, &gateway, &done] {
    int sig = 0;
    sigwait(&set, &sig);
    mxgw::log::info("signal " + std::to_string(sig) + ": stopping");
    gateway->stop();
    // Connections kept alive by clients hold their worker until they close; give in-flight
    // requests two seconds, then write what is pending and leave. Nothing is lost: revocations
    // and sessions are committed before their request is answered.
    for (int i = 0; i < 200 && !done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (!done) {
      gateway->flush();
      mxgw::log::info("stopped");
      std::_Exit(0);
    }
  });
  signals.detach();
  if (!gateway->run()) {
    mxgw::log::error("cannot listen on " + config.listen_host + ":" + std::to_string(config.listen_port));
    return 1;
  }
  done = true;
  gateway.reset();
  mxgw::log::info("stopped");
  return 0;
}
