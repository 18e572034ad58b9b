// Terminal QR codes with libqrencode: two modules per character cell with UTF-8 half blocks.
#include <qrencode.h>

#include <cerrno>
#include <memory>

#include "cli.hpp"

namespace mxcli {

std::string qr_text(const std::string& text, bool invert) {
  // Level L keeps a long token within a terminal's width; errors are rare on a screen.
  std::unique_ptr<QRcode, void (*)(QRcode*)> code(
      QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_L), QRcode_free);
  if (!code) usage_error("--qr: the token is too long for a QR code; print it as text instead");
  const int n = code->width;
  constexpr int quiet = 2;  // quiet zone, in modules (4 is the standard; 2 scans fine on screens)
  const int size = n + 2 * quiet;
  // dark(x, y): whether the module is dark; the quiet zone is light.
  const auto dark = [&](int x, int y) {
    x -= quiet;
    y -= quiet;
    if (x < 0 || y < 0 || x >= n || y >= n) return false;
    return (code->data[y * n + x] & 1) != 0;
  };
  // Drawn glyphs are the light modules (like `qrencode -t UTF8`): on a dark terminal the code
  // reads dark-on-light. `invert` draws the dark modules instead, for light terminals.
  std::string out;
  for (int y = 0; y < size; y += 2) {
    for (int x = 0; x < size; ++x) {
      bool top = !dark(x, y), bottom = y + 1 < size ? !dark(x, y + 1) : !invert;
      if (invert) {
        top = !top;
        bottom = y + 1 < size ? !bottom : false;
      }
      if (top && bottom) out += "\u2588";       // full block
      else if (top) out += "\u2580";            // upper half
      else if (bottom) out += "\u2584";         // lower half
      else out += ' ';
    }
    out += '\n';
  }
  return out;
}

}  // namespace mxcli
