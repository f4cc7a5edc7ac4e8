/**
 * What every core package shares: {@link dev.fgbg.core.FgbgException}, a transport-free failure
 * with a reason the adapters turn into a status; {@link dev.fgbg.core.Quoted}, a client's string
 * made safe for a message; {@link dev.fgbg.core.Nearest}, the "did you mean" of a mistyped name;
 * {@link dev.fgbg.core.Rate}, the rate and ETA every progress report gives.
 */
package dev.fgbg.core;
