#include "shopify/shop_domain.hpp"

#include <catch2/catch.hpp>

#include <string>

using nexsync::shopify::is_valid_shop_domain;
using nexsync::shopify::normalise_shop;
using nexsync::shopify::shop_domain;

TEST_CASE("normalise_shop accepts what people paste", "[shopify][shop_domain]") {
  auto input = GENERATE(as<std::string>{}, "Acme-Jewellers", " acme-jewellers ", "\tacme-jewellers\n",
                        "acme-jewellers.myshopify.com", "ACME-JEWELLERS.MYSHOPIFY.COM",
                        "https://acme-jewellers.myshopify.com/admin", "http://ACME-jewellers.myshopify.com/",
                        "https://acme-jewellers.myshopify.com", "https://acme-jewellers.myshopify.com/admin/products/",
                        "HTTPS://acme-jewellers.myshopify.com/admin",
                        "https://admin.shopify.com/store/acme-jewellers",
                        "https://admin.shopify.com/store/acme-jewellers/products");
  CAPTURE(input);
  CHECK(normalise_shop(input) == std::string("acme-jewellers"));
}

TEST_CASE("normalise_shop keeps digits and inner hyphens", "[shopify][shop_domain]") {
  CHECK(normalise_shop("0shop") == std::string("0shop"));
  CHECK(normalise_shop("a-b-c-1") == std::string("a-b-c-1"));
  CHECK(normalise_shop(std::string(60, 'a')) == std::string(60, 'a'));
}

TEST_CASE("normalise_shop rejects hostile and malformed input", "[shopify][shop_domain]") {
  auto input = GENERATE(as<std::string>{},
                        "",                                           // empty
                        "   ",                                        // blank
                        "evil.com",                                   // another domain
                        "acme.myshopify.com.evil.com",                // suffix trick
                        "acme.myshopify.com.",                        // trailing dot
                        "www.acme.myshopify.com",                     // nested subdomain
                        ".myshopify.com",                             // no subdomain
                        "myshopify.com",                              // the apex
                        "acme/../x",                                  // path traversal
                        "acme.myshopify.com/../x",                    // traversal after a real host
                        "https://acme.myshopify.com/admin/./x",       // dot segment
                        "acme%2Fx",                                   // percent-encoded slash
                        "acme%2emyshopify.com",                       // percent-encoded dot
                        "%61cme",                                     // percent-encoded letter
                        "\xd0\xb0" "cme",                             // Cyrillic 'а' look-alike
                        "acme.myshopify.com\xe2\x80\x8b",             // zero-width space
                        "ac\xef\xbd\x8d" "e",                         // full-width 'm'
                        "acme jewellers",                             // inner space
                        "-acme",                                      // leading hyphen
                        "acme_jewellers",                             // underscore
                        "acme!",                                      // punctuation
                        "https://user:pass@acme.myshopify.com",       // credentials
                        "https://evil.com@acme.myshopify.com",        // credentials disguise
                        "https://acme.myshopify.com@evil.com",        // credentials disguise
                        "acme.myshopify.com:443",                     // port
                        "https://acme.myshopify.com:8443/admin",      // port in URL
                        "https://acme.myshopify.com\\@evil.com",      // backslash
                        "https://acme.myshopify.com?x=1",             // query
                        "https://acme.myshopify.com#frag",            // fragment
                        "https://acme",                               // scheme without the domain
                        "ftp://acme.myshopify.com",                   // other scheme
                        "//acme.myshopify.com",                       // scheme-relative
                        "javascript:alert(1)",                        // not a host at all
                        "https://evil.com/store/acme",                // admin path on another host
                        "https://admin.shopify.com/store/",           // admin URL without a shop
                        "https://admin.shopify.com/acme",             // admin URL without /store/
                        "admin.shopify.com/store/acme",               // admin path without scheme
                        "https://admin.shopify.com/store/acme/../x"); // traversal in admin URL
  CAPTURE(input);
  CHECK_FALSE(normalise_shop(input));
}

TEST_CASE("normalise_shop rejects an embedded NUL and over-long names", "[shopify][shop_domain]") {
  CHECK_FALSE(normalise_shop(std::string("acme\0evil", 9)));
  CHECK_FALSE(normalise_shop(std::string(61, 'a')));
  CHECK_FALSE(normalise_shop(std::string(300, 'a')));
  CHECK_FALSE(normalise_shop(std::string(300, 'a') + ".myshopify.com"));
  CHECK_FALSE(normalise_shop("https://" + std::string(61, 'a') + ".myshopify.com/admin"));
}

TEST_CASE("shop_domain appends the myshopify suffix", "[shopify][shop_domain]") {
  CHECK(shop_domain("acme-jewellers") == "acme-jewellers.myshopify.com");
  CHECK(is_valid_shop_domain(shop_domain(*normalise_shop("https://Acme.myshopify.com/admin"))));
}

TEST_CASE("is_valid_shop_domain follows Shopify's pattern", "[shopify][shop_domain]") {
  CHECK(is_valid_shop_domain("acme-jewellers.myshopify.com"));
  CHECK(is_valid_shop_domain("Acme-Jewellers.myshopify.com"));
  CHECK(is_valid_shop_domain("0.myshopify.com"));
  CHECK(is_valid_shop_domain(std::string(63, 'a') + ".myshopify.com"));

  CHECK_FALSE(is_valid_shop_domain(""));
  CHECK_FALSE(is_valid_shop_domain("acme"));
  CHECK_FALSE(is_valid_shop_domain(".myshopify.com"));
  CHECK_FALSE(is_valid_shop_domain("-acme.myshopify.com"));
  CHECK_FALSE(is_valid_shop_domain("a.b.myshopify.com"));
  CHECK_FALSE(is_valid_shop_domain("acme.myshopify.com.evil.com"));
  CHECK_FALSE(is_valid_shop_domain("acme.myshopify.com "));
  CHECK_FALSE(is_valid_shop_domain("acme_x.myshopify.com"));
  CHECK_FALSE(is_valid_shop_domain("acmexmyshopify.com"));
  CHECK_FALSE(is_valid_shop_domain("https://acme.myshopify.com"));
  CHECK_FALSE(is_valid_shop_domain("\xd0\xb0" "cme.myshopify.com"));
  CHECK_FALSE(is_valid_shop_domain(std::string(64, 'a') + ".myshopify.com"));
}
