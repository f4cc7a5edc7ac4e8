/** Thread factories and pools shared by the core and the applications that own them. */
package dev.fgbg.core.concurrent;
