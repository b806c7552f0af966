// The Beast transport's https path against a real TLS server in this process: a throw-away CA and
// server certificates (for localhost and 127.0.0.1, and for another host name) made at test time with
// OpenSSL's C API. With the CA file configured the request succeeds (SNI sent for a name, the
// certificate checked against the host); without it, with another CA, or with a certificate for
// another host, the call fails with a certificate error that says so.
#include "shopify/admin_client.hpp"
#include "shopify/http_transport.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using asio::ip::tcp;
using namespace nexsync::shopify;

namespace {

// ---- certificates ----

struct key_deleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct cert_deleter {
  void operator()(X509* x) const { X509_free(x); }
};
using key_ptr = std::unique_ptr<EVP_PKEY, key_deleter>;
using cert_ptr = std::unique_ptr<X509, cert_deleter>;

key_ptr make_key() {
  key_ptr k{EVP_EC_gen("P-256")};
  if (!k) throw std::runtime_error("EC key generation failed");
  return k;
}

void add_extension(X509* cert, X509V3_CTX* v3, int nid, const char* value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, v3, nid, value);
  if (!ext) throw std::runtime_error(std::string{"bad certificate extension: "} + value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A certificate for key, named cn; self-signed when issuer is null (a CA), else signed by the issuer.
cert_ptr make_cert(EVP_PKEY* key, const std::string& cn, X509* issuer, EVP_PKEY* issuer_key, const std::string& san) {
  static long serial = 1;
  cert_ptr x{X509_new()};
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), 24 * 3600);
  X509_set_pubkey(x.get(), key);
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(x.get(), issuer ? X509_get_subject_name(issuer) : name);
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, issuer ? issuer : x.get(), x.get(), nullptr, nullptr, 0);
  add_extension(x.get(), &v3, NID_subject_key_identifier, "hash");
  if (!issuer) {
    add_extension(x.get(), &v3, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(x.get(), &v3, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_extension(x.get(), &v3, NID_authority_key_identifier, "keyid:always");
    add_extension(x.get(), &v3, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(x.get(), &v3, NID_key_usage, "critical,digitalSignature");
    add_extension(x.get(), &v3, NID_ext_key_usage, "serverAuth");
    add_extension(x.get(), &v3, NID_subject_alt_name, san.c_str());
  }
  if (X509_sign(x.get(), issuer_key ? issuer_key : key, EVP_sha256()) == 0) throw std::runtime_error("signing failed");
  return x;
}

void write_pem(const std::filesystem::path& path, X509* cert) {
  FILE* f = std::fopen(path.c_str(), "w");
  REQUIRE(f);
  PEM_write_X509(f, cert);
  std::fclose(f);
}

void write_pem(const std::filesystem::path& path, EVP_PKEY* key) {
  FILE* f = std::fopen(path.c_str(), "w");
  REQUIRE(f);
  PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
}

// A temp folder with: ca.pem (the trusted CA), other-ca.pem (an unrelated CA), and server
// certificates signed by ca.pem: local.pem/local.key (localhost, 127.0.0.1), elsewhere.pem/.key
// (shop.example.test only), and stranger.pem/.key (localhost, but signed by the other CA).
struct pki {
  std::filesystem::path dir;
  pki() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "nexsync-tls-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    dir = tmpl;
    auto ca_key = make_key();
    auto ca = make_cert(ca_key.get(), "nexsync test CA", nullptr, nullptr, "");
    write_pem(dir / "ca.pem", ca.get());
    auto other_key = make_key();
    auto other = make_cert(other_key.get(), "some other CA", nullptr, nullptr, "");
    write_pem(dir / "other-ca.pem", other.get());
    auto server = [&](const std::string& name, const std::string& cn, X509* issuer, EVP_PKEY* issuer_key, const std::string& san) {
      auto key = make_key();
      auto cert = make_cert(key.get(), cn, issuer, issuer_key, san);
      write_pem(dir / (name + ".pem"), cert.get());
      write_pem(dir / (name + ".key"), key.get());
    };
    server("local", "localhost", ca.get(), ca_key.get(), "DNS:localhost,IP:127.0.0.1");
    server("elsewhere", "shop.example.test", ca.get(), ca_key.get(), "DNS:shop.example.test");
    server("stranger", "localhost", other.get(), other_key.get(), "DNS:localhost,IP:127.0.0.1");
  }
  ~pki() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::string file(const std::string& name) const { return (dir / name).string(); }
};

// ---- the server ----

// An HTTPS server on 127.0.0.1 (port 0) with one certificate, on a thread of its own. Every request is
// answered 200 with the SNI name the client sent ("sni=" when none).
class tls_server {
 public:
  tls_server(const std::string& cert_file, const std::string& key_file) : tls_{ssl::context::tls_server} {
    tls_.use_certificate_chain_file(cert_file);
    tls_.use_private_key_file(key_file, ssl::context::pem);
    port = acceptor_.local_endpoint().port();
    asio::co_spawn(io_, serve(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~tls_server() {
    io_.stop();
    thread_.join();
  }
  int completed_handshakes() {
    std::lock_guard lock{m_};
    return handshakes_;
  }
  unsigned short port = 0;

 private:
  asio::awaitable<void> serve() {
    for (;;) {
      boost::system::error_code ec;
      auto socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      asio::co_spawn(io_, session(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    beast::ssl_stream<beast::tcp_stream> stream{std::move(socket), tls_};
    boost::system::error_code ec;
    co_await stream.async_handshake(ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;  // the client refused our certificate
    {
      std::lock_guard lock{m_};
      ++handshakes_;
    }
    const char* sni = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
    std::string answer = std::string{"sni="} + (sni ? sni : "");
    beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> req;
    co_await bhttp::async_read(stream, buffer, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    bhttp::response<bhttp::string_body> res{bhttp::status::ok, 11};
    res.set(bhttp::field::content_type, "text/plain");
    res.body() = answer;
    res.keep_alive(false);
    res.prepare_payload();
    co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
  }

  asio::io_context io_;
  ssl::context tls_;
  tcp::acceptor acceptor_{io_, tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0}};
  std::mutex m_;
  int handshakes_ = 0;
  std::thread thread_;
};

// ---- the client ----

template <class T>
T run(asio::awaitable<T> a) {
  asio::io_context io;
  auto f = asio::co_spawn(io, std::move(a), asio::use_future);
  io.run();
  return f.get();
}

boost::system::result<http_reply> get(const std::string& ca_file, const std::string& url) {
  transport_options o;
  o.ca_file = ca_file;
  o.connect_timeout = std::chrono::seconds(20);
  o.request_timeout = std::chrono::seconds(20);
  auto transport = make_beast_transport(o);
  return run(transport->send(http_call{"GET", url, {}, ""}));
}

bool certificate_error(const boost::system::result<http_reply>& r) {
  if (r) return false;
  INFO("error: " << r.error().message() << " (" << r.error().category().name() << ")");
  CHECK(r.error().category() == asio::error::get_ssl_category());
  return r.error().message().find("certificate verify failed") != std::string::npos;
}

}  // namespace

TEST_CASE("https to a server whose certificate the configured CA signed succeeds, SNI sent", "[shopify][tls]") {
  pki certs;
  tls_server server{certs.file("local.pem"), certs.file("local.key")};
  auto base = ":" + std::to_string(server.port) + "/admin/oauth/access_token";

  auto by_name = get(certs.file("ca.pem"), "https://localhost" + base);
  REQUIRE(by_name.has_value());
  CHECK(by_name->status == 200);
  CHECK(by_name->body == "sni=localhost");

  // An IP literal: no SNI (RFC 6066), the certificate's IP address entry must match.
  auto by_ip = get(certs.file("ca.pem"), "https://127.0.0.1" + base);
  REQUIRE(by_ip.has_value());
  CHECK(by_ip->status == 200);
  CHECK(by_ip->body == "sni=");
  CHECK(server.completed_handshakes() == 2);
}

TEST_CASE("https without the CA, or trusting another CA, fails with a certificate error", "[shopify][tls]") {
  pki certs;
  tls_server server{certs.file("local.pem"), certs.file("local.key")};
  auto url = "https://localhost:" + std::to_string(server.port) + "/";

  auto system_only = get("", url);
  CHECK(certificate_error(system_only));
  auto other_ca = get(certs.file("other-ca.pem"), url);
  CHECK(certificate_error(other_ca));
  CHECK(server.completed_handshakes() == 0);

  // What the client operations report: a transport error naming the certificate.
  transport_options o;
  o.ca_file = certs.file("other-ca.pem");
  auto transport = make_beast_transport(o);
  admin_client client{*transport, app_credentials{"key", "secret"}, "https://localhost:" + std::to_string(server.port) + "/shops/{shop}",
                      "2026-10"};
  auto probed = run(client.shop_exists("acme"));
  REQUIRE_FALSE(probed.has_value());
  CHECK(probed.error().kind == client_error_kind::transport);
  CHECK(probed.error().message.find("shop probe: certificate verify failed") != std::string::npos);
}

TEST_CASE("a download over https verifies the certificate like every call", "[shopify][tls]") {
  pki certs;
  tls_server server{certs.file("local.pem"), certs.file("local.key")};
  auto url = "https://localhost:" + std::to_string(server.port) + "/bulk/1.jsonl";
  std::string got;
  auto collect = [&got](std::string_view piece) {
    got += piece;
    return true;
  };
  transport_options trusted;
  trusted.ca_file = certs.file("ca.pem");
  auto transport = make_beast_transport(trusted);
  auto ok = run(transport->download(http_call{"GET", url, {}, ""}, 1024, collect));
  REQUIRE(ok.has_value());
  CHECK(ok->status == 200);
  CHECK(got == "sni=localhost");

  transport_options untrusted;
  untrusted.ca_file = certs.file("other-ca.pem");
  auto other = make_beast_transport(untrusted);
  CHECK(certificate_error(run(other->download(http_call{"GET", url, {}, ""}, 1024, collect))));
  CHECK(server.completed_handshakes() == 1);
}

TEST_CASE("https to a server presenting a certificate signed by an untrusted CA fails", "[shopify][tls]") {
  pki certs;
  tls_server server{certs.file("stranger.pem"), certs.file("stranger.key")};
  CHECK(certificate_error(get(certs.file("ca.pem"), "https://localhost:" + std::to_string(server.port) + "/")));
  CHECK(server.completed_handshakes() == 0);
}

TEST_CASE("https to a server whose certificate names another host fails", "[shopify][tls]") {
  pki certs;
  tls_server server{certs.file("elsewhere.pem"), certs.file("elsewhere.key")};
  auto port = std::to_string(server.port);
  CHECK(certificate_error(get(certs.file("ca.pem"), "https://localhost:" + port + "/")));
  CHECK(certificate_error(get(certs.file("ca.pem"), "https://127.0.0.1:" + port + "/")));
  CHECK(server.completed_handshakes() == 0);
}

TEST_CASE("a CA file that cannot be loaded stops the transport from being built", "[shopify][tls]") {
  pki certs;
  transport_options o;
  o.ca_file = certs.file("missing.pem");
  CHECK_THROWS_WITH(make_beast_transport(o), Catch::Contains("cannot load the Shopify CA file") && Catch::Contains("missing.pem"));
}
