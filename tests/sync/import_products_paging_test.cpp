// The paged import's page sizes: full pages while the budget paces the import; near the end, pages
// that fit the bucket as it is, so the import drains it instead of waiting for points it never uses.
#include "shopify/documents.hpp"
#include "sync/import_products.hpp"

#include <catch2/catch.hpp>

using nexsync::sync::next_products_page;
using nexsync::sync::page_budget;
using nexsync::sync::variants_per_product;
// Until a product is seen, a page asks for 20 products of 20 variants: 2 + 43 points each.

TEST_CASE("products pages are full while the rest costs more than the bucket holds") {
  CHECK(next_products_page(400, 0, page_budget{}) == 20);                // nothing known yet
  CHECK(next_products_page(400, 100, page_budget{700, 9}) == 20);        // 300 x 9 > 700
  CHECK(next_products_page(0, 100, page_budget{700, 9}) == 20);          // count unknown
  CHECK(next_products_page(400, 400, page_budget{700, 9}) == 20);        // stale count: more than counted
  CHECK(next_products_page(400, 395, page_budget{}) == 5);               // never more than remain
}

TEST_CASE("near the end each page asks for what the bucket holds now") {
  // 60 left at 9 points each = 540 <= 700: the bucket pays for the rest, so ask for what fits 700.
  CHECK(next_products_page(400, 340, page_budget{700, 9}) == 16);  // 2 + 16 x 43 = 690
  CHECK(next_products_page(400, 356, page_budget{556, 9}) == 12);  // 2 + 12 x 43 = 518
  CHECK(next_products_page(400, 398, page_budget{30, 9}) == 1);    // never fewer than one
  CHECK(next_products_page(400, 390, page_budget{5000, 9}) == 10); // a big bucket: all that remain
}

TEST_CASE("pages ask for as many variants a product as the largest product seen so far") {
  CHECK(variants_per_product(page_budget{}) == 20);              // nothing seen: the most, 20
  CHECK(variants_per_product(page_budget{700, 9, 3}) == 3);      // 3-variant products: 9 points each
  CHECK(variants_per_product(page_budget{700, 9, 1}) == 1);
  CHECK(variants_per_product(page_budget{700, 9, 240}) == 20);   // the rest of a big one by follow-up
  // Priced at 2 + 9 a product, a full page fits the bucket long before the end.
  CHECK(next_products_page(400, 340, page_budget{700, 9, 3}) == 20);  // 182 <= 700
  CHECK(next_products_page(400, 389, page_budget{100, 9, 3}) == 10);  // 11 left cost 99; 11 would ask 101
}

TEST_CASE("an import refreshes the planner's statistics after 1,000 rows, then at each fourfold growth") {
  nexsync::sync::statistics_schedule schedule;
  CHECK_FALSE(schedule.due(0));
  CHECK_FALSE(schedule.due(999));
  CHECK(schedule.due(1000));
  CHECK_FALSE(schedule.due(1250));
  CHECK_FALSE(schedule.due(3999));
  CHECK(schedule.due(4200));
  CHECK(schedule.due(70000));       // past 16,000 and 64,000 at once: one refresh
  CHECK_FALSE(schedule.due(200000));
  CHECK(schedule.due(256000));
}
