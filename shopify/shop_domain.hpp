#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nexsync::shopify {

/// Longest shop subdomain normalise_shop() accepts.
inline constexpr std::size_t max_subdomain_length = 60;

/// Turns what a user pastes (`Acme-Jewellers`, `acme-jewellers.myshopify.com`,
/// `https://acme-jewellers.myshopify.com/admin`, `https://admin.shopify.com/store/acme-jewellers`)
/// into the lower-case shop subdomain; nullopt for anything that is not plainly one Shopify shop.
std::optional<std::string> normalise_shop(std::string_view user_input);

/// Returns `<subdomain>.myshopify.com`.
std::string shop_domain(std::string_view subdomain);

/// Returns true if `domain` matches `^[a-zA-Z0-9][a-zA-Z0-9-]*\.myshopify\.com$` with a subdomain of at
/// most 63 characters (the DNS label limit): the form Shopify puts in callbacks and webhook headers.
bool is_valid_shop_domain(std::string_view domain);

}  // namespace nexsync::shopify
