"""Generated from proto/fgbg/v1 by fgbg._codegen; do not edit."""
