#include "shopify/documents.hpp"

#include <array>

// Page sizes. Shopify refuses any query requesting more than 1000 points (MAX_COST_EXCEEDED, and a
// retry never helps), and the bucket must hold the requested cost before the call runs, so nested
// page sizes are chosen to keep every document near 850 at most: a margin of ~15% in case Shopify's
// counting of some field differs from the documented rules, while still fetching the common case in
// one call. Nested connections that may hold more (variants, line items) carry pageInfo, and a
// follow-up document fetches the rest, so nothing is silently cut off.
//
//   products 20 × variants 20:   2 + 20 × (1 + 2 + 20 × (1 variant + 1 inventoryItem))         = 862
//     (50 × 10 would be 1152 with inventoryItem; 25 × 18 = 977 leaves no margin; jewellers'
//      products run to sizes × metals, so 20 variants per product beats 50 products per page;
//      `$variants` lowers the 20 once an import has seen the catalog's products have fewer)
//   customers 250:               2 + 250 × (1 + 1 defaultEmailAddress)                         = 502
//   orders 20 × line items 12:   2 + 20 × (1 + 2 money + 1 customer + 2 + 12 × (1 + 2 money)) = 842
//   order by id, 250 line items: 1 + 2 money + 1 customer + 2 + 250 × 3                        = 756
//   inventory levels, 250 ids:   2 + 250 × (1 item + 1 level + 1 quantity)                     = 752
//     (nodes(ids:) is a list, not a connection; counting it like one over-estimates by 2)

namespace nexsync::shopify {
namespace {

constexpr int money = object_with(object_cost);  // MoneyBag { shopMoney { … } }
constexpr int variant_node = object_with(object_cost);  // variant + inventoryItem { id }
constexpr int product_node = object_with(connection_cost(products_page_max_variants, variant_node));
constexpr int customer_node = object_with(object_cost);  // customer + defaultEmailAddress
constexpr int line_item_node = object_with(money);       // line item + originalUnitPriceSet
constexpr int order_line_items = 12;
constexpr int order_fields = object_cost + money + object_cost;  // order + totalPriceSet + customer
constexpr int order_node = order_fields + connection_cost(order_line_items, line_item_node);
constexpr int location_node = object_cost;
constexpr int inventory_item_node = object_with(object_with(object_cost));  // item, level, quantity

}  // namespace

constexpr graphql_document products_page{
    "ProductsPage",
    R"(query ProductsPage($first: Int!, $variants: Int!, $after: String, $query: String) {
  products(first: $first, after: $after, query: $query) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id title handle updatedAt
      variants(first: $variants) {
        pageInfo { hasNextPage endCursor }
        nodes { id sku title price inventoryQuantity inventoryItem { id } }
      }
    }
  }
})",
    20, 0, product_node};

constexpr graphql_document product_variants_page{
    "ProductVariantsPage",
    R"(query ProductVariantsPage($id: ID!, $first: Int!, $after: String) {
  product(id: $id) {
    id
    variants(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { id sku title price inventoryQuantity inventoryItem { id } }
    }
  }
})",
    250, object_cost, variant_node};

constexpr graphql_document customers_page{
    "CustomersPage",
    R"(query CustomersPage($first: Int!, $after: String, $query: String) {
  customers(first: $first, after: $after, query: $query) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id updatedAt firstName lastName phone
      defaultEmailAddress { emailAddress marketingState }
    }
  }
})",
    250, 0, customer_node};

constexpr graphql_document orders_page{
    "OrdersPage",
    R"(query OrdersPage($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id name createdAt updatedAt displayFinancialStatus
      totalPriceSet { shopMoney { amount currencyCode } }
      customer { id }
      lineItems(first: 12) {
        pageInfo { hasNextPage endCursor }
        nodes { sku quantity originalUnitPriceSet { shopMoney { amount } } }
      }
    }
  }
})",
    20, 0, order_node};

constexpr graphql_document order_by_id{
    "OrderById",
    R"(query OrderById($id: ID!, $first: Int!, $after: String) {
  order(id: $id) {
    id name createdAt updatedAt displayFinancialStatus
    totalPriceSet { shopMoney { amount currencyCode } }
    customer { id }
    lineItems(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { sku quantity originalUnitPriceSet { shopMoney { amount } } }
    }
  }
})",
    250, order_fields, line_item_node};

constexpr graphql_document record_counts{
    "RecordCounts",
    R"(query RecordCounts($ordersQuery: String) {
  productsCount { count }
  customersCount { count }
  ordersCount(query: $ordersQuery) { count }
})",
    0, 3 * object_cost, 0};

constexpr graphql_document locations_page{
    "LocationsPage",
    R"(query LocationsPage($first: Int!, $after: String) {
  locations(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id name isActive }
  }
})",
    50, 0, location_node};

constexpr graphql_document inventory_levels{
    "InventoryLevels",
    R"(query InventoryLevels($ids: [ID!]!, $locationId: ID!) {
  nodes(ids: $ids) {
    ... on InventoryItem {
      id sku
      inventoryLevel(locationId: $locationId) {
        quantities(names: ["available"]) { name quantity }
      }
    }
  }
})",
    250, 0, inventory_item_node};

constexpr graphql_document inventory_set_quantities{
    "InventorySetQuantities",
    R"(mutation InventorySetQuantities($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { changes { name delta } }
    userErrors { code field message }
  }
})",
    0, mutation_cost, 0};

constexpr graphql_document webhook_subscription_create{
    "WebhookSubscriptionCreate",
    R"(mutation WebhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, $uri: String!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: {uri: $uri, format: JSON}) {
    webhookSubscription { id topic uri }
    userErrors { field message }
  }
})",
    0, mutation_cost, 0};

constexpr graphql_document app_uninstall{
    "AppUninstall",
    R"(mutation AppUninstall {
  appUninstall {
    app { id }
    userErrors { field message }
  }
})",
    0, mutation_cost, 0};

constexpr graphql_document shop_probe{
    "ShopProbe",
    R"(query ShopProbe {
  shop { id name myshopifyDomain currencyCode }
})",
    0, object_cost, 0};

constexpr graphql_document bulk_operation_run_query{
    "BulkOperationRunQuery",
    R"(mutation BulkOperationRunQuery($query: String!) {
  bulkOperationRunQuery(query: $query, groupObjects: false) {
    bulkOperation { id status }
    userErrors { code field message }
  }
})",
    0, mutation_cost, 0};

constexpr graphql_document bulk_operation_status{
    "BulkOperationStatus",
    R"(query BulkOperationStatus($id: ID!) {
  bulkOperation(id: $id) {
    id status errorCode objectCount rootObjectCount fileSize url partialDataUrl
  }
})",
    0, object_cost, 0};

namespace {

constexpr std::array<const graphql_document*, 14> documents = {
    &products_page,         &product_variants_page, &customers_page,
    &orders_page,           &order_by_id,           &locations_page,
    &inventory_levels,      &inventory_set_quantities, &webhook_subscription_create,
    &app_uninstall,         &shop_probe,            &bulk_operation_run_query,
    &bulk_operation_status, &record_counts};

constexpr bool all_within_limit() {
  for (const auto* d : documents)
    if (d->requested_cost() > max_query_cost) return false;
  return true;
}
static_assert(all_within_limit(), "a document requests more than Shopify's 1000-point limit");
static_assert(products_page.requested_cost() == 862);
static_assert(products_page.cost(20) == products_page_cost(20, products_page_max_variants));
static_assert(orders_page.requested_cost() == 842);

}  // namespace

std::span<const graphql_document* const> all_documents() { return documents; }

std::string graphql_string_literal(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out = "\"";
  for (char c : text) {
    auto b = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (b < 0x20 || b == 0x7f) {
      out += "\\u00";
      out += hex[b >> 4];
      out += hex[b & 15];
    } else {
      out += c;  // UTF-8 passes through: GraphQL strings are Unicode
    }
  }
  out += '"';
  return out;
}

std::string bulk_products_query(std::string_view search) {
  // Bulk queries take no variables and no page sizes: the filter is written into the text.
  std::string args = search.empty() ? std::string() : "(query: " + graphql_string_literal(search) + ")";
  return "{ products" + args +
         " { edges { node { id title handle updatedAt"
         " variants { edges { node { id sku title price inventoryQuantity inventoryItem { id } } } } } } } }";
}

}  // namespace nexsync::shopify
