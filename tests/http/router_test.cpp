#include "http/router.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

using namespace nexsync::http;

namespace {

response dispatch(const router& r, std::string method, std::string path) {
  boost::asio::io_context io;
  request req;
  req.method = std::move(method);
  req.path = std::move(path);
  auto f = boost::asio::co_spawn(io, r(req), boost::asio::use_future);
  io.run();
  auto res = f.get();
  res.set_header("X-Params", [&] {
    std::string s;
    for (auto& [k, v] : req.path_params) s += k + "=" + v + ";";
    return s;
  }());
  return res;
}

handler reply(std::string body) {
  return [body](request&) -> boost::asio::awaitable<response> { co_return response::text(200, body); };
}

}  // namespace

TEST_CASE("router matches literal and parameter segments") {
  router r;
  r.add("GET", "/inventory", reply("list"));
  r.add("POST", "/api/inventory/{sku}/adjust", reply("adjust"));
  r.add("GET", "/api/sales/{id}", reply("sale"));
  r.add_prefix("GET", "/static/", reply("static"));

  CHECK(dispatch(r, "GET", "/inventory").body == "list");
  auto adj = dispatch(r, "POST", "/api/inventory/RING-1/adjust");
  CHECK(adj.body == "adjust");
  CHECK(adj.header("X-Params") == "sku=RING-1;");
  CHECK(dispatch(r, "GET", "/api/sales/42").header("X-Params") == "id=42;");
  CHECK(dispatch(r, "GET", "/static/app.css").body == "static");
  CHECK(dispatch(r, "HEAD", "/inventory").body == "list");
}

TEST_CASE("router answers 404 for unknown paths and 405 for wrong methods") {
  router r;
  r.add("GET", "/inventory", reply("list"));
  CHECK(dispatch(r, "GET", "/nothing").status == 404);
  CHECK(dispatch(r, "GET", "/inventory/").status == 404);
  CHECK(dispatch(r, "GET", "/inventory/extra").status == 404);
  auto res = dispatch(r, "DELETE", "/inventory");
  CHECK(res.status == 405);
  CHECK(res.header("Allow") == "GET");
}
