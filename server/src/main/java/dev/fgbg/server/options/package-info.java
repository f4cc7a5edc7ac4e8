/**
 * The one options tree a server is started from: {@link dev.fgbg.server.options.ServerOptions},
 * with the web UI's options and the exception naming a bad field. The load and connection
 * options live with what they configure (admission, transport).
 */
package dev.fgbg.server.options;
