/**
 * Epochs as delivery plans: order from {@code sampling}'s permutation, which positions a rank
 * takes from its {@code EpochPlan}; transports deliver them through {@code deliver}.
 */
package dev.fgbg.core.epoch;
