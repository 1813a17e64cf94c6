/**
 * "Open on another device": the addresses a phone on the same network can open (the server's
 * `lanUrls` from /api/info), each with its QR code (`/api/qr?text=…`, an SVG the server draws)
 * and a copy button. Bound to loopback only, the server has none: the dialog says how to offer
 * one instead of showing a code a phone could not use.
 * @module
 */

import { copyText } from "./download.js";
import { element } from "./entry_view.js";

/** The QR code image URL for `text` (the server answers SVG). */
export function qrUrl(text) {
  return `/api/qr?text=${encodeURIComponent(text)}`;
}

/** Wires the share button and dialog; `getInfo()` returns the server's info. */
export function setUpShare({ getInfo, announce }) {
  const $ = (id) => document.getElementById(id);
  const dialog = $("share-dialog");

  function fill() {
    const urls = getInfo()?.lanUrls ?? [];
    const box = $("share-body");
    box.replaceChildren();
    if (urls.length === 0) {
      box.append(element(
        "p",
        "",
        "This server listens only on this computer, so other devices cannot reach it. Start it " +
          "with --host 0.0.0.0 to share it on your network.",
      ));
      return;
    }
    box.append(
      element("p", "muted", "Scan the code with a phone on the same network, or type the address."),
    );
    for (const url of urls) {
      const figure = element("figure", "share-item");
      const img = element("img", "qr");
      img.src = qrUrl(url);
      img.alt = `QR code for ${url}`;
      img.width = 192;
      img.height = 192;
      const caption = element("figcaption");
      const link = element("a", "share-url", url);
      link.href = url;
      const copy = element("button", "quiet small", "Copy");
      copy.type = "button";
      copy.setAttribute("aria-label", `Copy ${url}`);
      copy.addEventListener("click", async () => {
        announce((await copyText(url)) ? `Copied ${url}.` : "The browser refused to copy.");
      });
      caption.append(link, " ", copy);
      figure.append(img, caption);
      box.append(figure);
    }
  }

  $("share-button").addEventListener("click", () => {
    fill();
    dialog.showModal();
  });
  $("share-close").addEventListener("click", () => dialog.close());
}
