/** The command-line verbs behind {@code ./fgbg describe | get | stream}. */
package dev.fgbg.client.cli;
