// Run in the page by tests/browser/test_contrast.py: every visible text, icon, control border and focus ring with the
// colours it is drawn in and the background behind it (semi-transparent layers composited), and the ratio WCAG asks of it.
() => {
  const parse = (value) => {
    const match = /rgba?\(([^)]*)\)/.exec(value);
    if (!match) return null;
    const parts = match[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const over = (top, bottom) => {
    const alpha = top[3];
    return [0, 1, 2].map((i) => top[i] * alpha + bottom[i] * (1 - alpha)).concat(1);
  };
  // The colour behind an element: its own background and its ancestors', composited down to an opaque one.
  const behind = (node) => {
    const layers = [];
    for (let current = node; current; current = current.parentElement) {
      const colour = parse(getComputedStyle(current).backgroundColor);
      if (colour && colour[3] > 0) {
        layers.push(colour);
        if (colour[3] >= 1) break;
      }
    }
    let result = [255, 255, 255, 1];
    for (const layer of layers.reverse()) result = over(layer, result);
    return result;
  };
  const luminance = (rgb) => {
    const [r, g, b] = rgb.slice(0, 3).map((v) => {
      const c = v / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (foreground, background) => {
    const [a, b] = [luminance(over(foreground, background)), luminance(background)];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  };
  const visible = (node) => node.getClientRects().length > 0 && getComputedStyle(node).visibility === "visible";
  // WCAG exempts controls that cannot be used (a disabled button while a draft is on its way).
  const inactive = (node) => Boolean(node.closest(":disabled"));
  const name = (node) => {
    const classes = typeof node.className === "string" && node.className.trim() ? `.${node.className.trim().split(/\s+/).join(".")}` : "";
    return `${node.tagName.toLowerCase()}${node.id ? `#${node.id}` : ""}${classes}`;
  };
  const found = [];
  const add = (kind, node, foreground, background, need, text) => {
    const measured = Math.round(ratio(foreground, background) * 100) / 100;
    found.push({ kind, element: name(node), text: (text || "").trim().slice(0, 40), ratio: measured, need });
  };
  for (const node of document.body.querySelectorAll("*")) {
    if (!visible(node) || inactive(node)) continue;
    const style = getComputedStyle(node);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const ownText = Array.from(node.childNodes).filter((child) => child.nodeType === 3).map((child) => child.textContent).join("");
    const isField = node.matches("input[type=text], input[type=email], textarea");
    const text = isField ? node.value : ownText;
    if (text.trim()) add("text", node, parse(style.color), behind(node), large ? 3 : 4.5, text);
    const before = getComputedStyle(node, "::before");
    if (!["none", "normal", '""'].includes(before.content)) add("icon", node, parse(before.color), behind(node), 3, before.content);
    // Controls: their boundary must stand out from what surrounds them.
    if (node.matches("input[type=text], input[type=email], textarea, .channel-option, .button")) {
      const border = parse(style.borderTopColor);
      const fill = parse(style.backgroundColor);
      const around = behind(node.parentElement);
      if (parseFloat(style.borderTopWidth) > 0 && border[3] > 0) {
        const fillRatio = fill[3] > 0 ? ratio(fill, around) : 1;
        // A filled control whose fill stands out needs no border to be seen.
        if (fillRatio < 3) add("border", node, border, around, 3, "");
      }
    }
  }
  // The focus ring, drawn outside every control, over whatever is behind the control.
  // The stylesheet's --focus as the browser resolves it, read off a probe.
  const probe = document.body.appendChild(document.createElement("span"));
  probe.style.color = "var(--focus)";
  const focus = parse(getComputedStyle(probe).color);
  probe.remove();
  for (const node of document.body.querySelectorAll("a[href], button, input, textarea, [tabindex]")) {
    if (!visible(node) || inactive(node) || node.type === "hidden") continue;
    add("focus", node, focus, behind(node.parentElement), 3, "");
  }
  return found;
}
