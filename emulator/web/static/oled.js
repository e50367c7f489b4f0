// The SSD1306's display RAM on a canvas: one canvas pixel per OLED pixel. The RAM is
// MONO_VLSB, as the controller holds it: 8 pages of 128 bytes, each byte 8 vertical
// pixels, bit 0 on top.
"use strict";
window.synkOled = {
  draw(canvas, b64) {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const ctx = canvas.getContext("2d");
    const image = ctx.createImageData(128, 64);
    for (let page = 0; page < 8; page++) {
      for (let x = 0; x < 128; x++) {
        const byte = bytes[page * 128 + x];
        for (let bit = 0; bit < 8; bit++) {
          const i = ((page * 8 + bit) * 128 + x) * 4;
          const on = (byte >> bit) & 1;
          image.data[i] = on ? 0x9f : 0x08;
          image.data[i + 1] = on ? 0xe8 : 0x10;
          image.data[i + 2] = on ? 0xff : 0x18;
          image.data[i + 3] = 255;
        }
      }
    }
    ctx.putImageData(image, 0, 0);
  },
};
