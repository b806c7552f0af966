#pragma once
// Shopify's query cost rules, applied to a planned operation before it runs.

#include "sim/graphql/planner.hpp"

#include <boost/json/array.hpp>

namespace nexsync::sim::cost {

/// The largest cost a single query may request (MAX_COST_EXCEEDED beyond).
inline constexpr int max_query_cost = 1000;
/// The cost of every mutation field.
inline constexpr int mutation_cost = 10;

/// The requested cost: scalars and enums 0, objects 1, connections 2 + first × node cost, mutations 10.
int requested_cost(const graphql::plan& p);

/// The cost of one planned field (and its children) under the same rules.
int field_cost(const graphql::planned_field& f);

/// Errors for connections queried without `first`/`last` or with more than 250 (skipped for bulk queries).
boost::json::array pagination_errors(const graphql::plan& p);

}  // namespace nexsync::sim::cost
