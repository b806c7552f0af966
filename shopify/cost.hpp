#pragma once

namespace nexsync::shopify {

// Shopify's requested-cost rules (SHOPIFY.md "Query cost and throttling"), for documents we write.

/// Cost of a scalar or enum field.
inline constexpr int scalar_cost = 0;

/// Cost of an object field (before its own children).
inline constexpr int object_cost = 1;

/// Flat requested cost of any mutation.
inline constexpr int mutation_cost = 10;

/// The most a single query may request; above it Shopify answers MAX_COST_EXCEEDED.
inline constexpr int max_query_cost = 1000;

/// Cost of an object with the given total cost of its children.
constexpr int object_with(int children_cost) { return object_cost + children_cost; }

/// Cost of a connection of `first` nodes where each node costs `per_node_cost` (nested connections
/// multiply): 2 + first × per_node_cost.
constexpr int connection_cost(int first, int per_node_cost) { return 2 + first * per_node_cost; }

}  // namespace nexsync::shopify
