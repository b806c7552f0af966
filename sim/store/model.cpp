#include "sim/store/model.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace nexsync::sim::store {

namespace {

constexpr std::array<std::string_view, 8> fs_enum = {"PENDING", "AUTHORIZED", "PARTIALLY_PAID", "PAID",
                                                     "PARTIALLY_REFUNDED", "REFUNDED", "VOIDED", "EXPIRED"};
constexpr std::array<std::string_view, 8> fs_rest = {"pending", "authorized", "partially_paid", "paid",
                                                     "partially_refunded", "refunded", "voided", "expired"};
constexpr std::array<std::string_view, 6> ms_enum = {"NOT_SUBSCRIBED", "PENDING", "SUBSCRIBED",
                                                     "UNSUBSCRIBED", "REDACTED", "INVALID"};
constexpr std::array<std::string_view, 8> categories = {"Rings", "Necklaces", "Earrings", "Bracelets",
                                                        "Pendants", "Watches", "Brooches", "Charms"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string_view to_enum(financial_status s) { return fs_enum[static_cast<std::size_t>(s)]; }
std::string_view to_rest(financial_status s) { return fs_rest[static_cast<std::size_t>(s)]; }

std::optional<financial_status> parse_financial_status(std::string_view s) {
  std::string l = lower(s);
  for (std::size_t i = 0; i < fs_rest.size(); ++i)
    if (l == fs_rest[i]) return static_cast<financial_status>(i);
  return std::nullopt;
}

std::string_view to_enum(marketing_state s) { return ms_enum[static_cast<std::size_t>(s)]; }

std::optional<marketing_state> parse_marketing_state(std::string_view s) {
  std::string u(s);
  for (auto& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (std::size_t i = 0; i < ms_enum.size(); ++i)
    if (u == ms_enum[i]) return static_cast<marketing_state>(i);
  return std::nullopt;
}

std::int64_t shop::total_available(std::uint32_t variant_index) const {
  std::int64_t sum = 0;
  for (std::size_t l = 0; l < locations.size(); ++l) sum += available[std::size_t(variant_index) * locations.size() + l];
  return sum;
}

double shop::plan_restore_rate() const { return cost::restore_rate_for_plan(plan.c_str()); }

std::string_view product_type_name(std::uint8_t category) { return categories[category % categories.size()]; }

}  // namespace nexsync::sim::store
