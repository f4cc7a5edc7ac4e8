/**
 * The one render-delivery pipeline every request uses: a {@link dev.fgbg.core.deliver.Plan}
 * (which indices, in which batches and pieces), credits (a window, the memory budget, a gate
 * such as a ring slot), a render lane, cancellation; pieces render in parallel and reach their
 * {@link dev.fgbg.core.deliver.Sink} in order; {@link dev.fgbg.core.deliver.Renders} says where a
 * piece renders (fresh arrays, a slice of a reply, or cache-sized runs copied out one by one).
 * Free of any transport.
 */
package dev.fgbg.core.deliver;
