/** The immutable dataset spec: every knob that changes sample bytes, validated on build. */
package dev.fgbg.core.spec;
