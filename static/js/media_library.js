// The media library: drop pictures on the upload form to send them; click a picture to set its
// focal point (kept in the form's hidden focal_x and focal_y fields).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const zone of document.querySelectorAll("[data-drop-zone]")) {
    const input = zone.querySelector("input[type=file]");
    zone.addEventListener("dragover", (event) => {
      event.preventDefault();
      zone.classList.add("drop-zone--over");
    });
    zone.addEventListener("dragleave", () => zone.classList.remove("drop-zone--over"));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      zone.classList.remove("drop-zone--over");
      if (!event.dataTransfer.files.length) return;
      input.files = event.dataTransfer.files;
      zone.closest("form").requestSubmit();
    });
  }

  for (const picker of document.querySelectorAll(".focal-picker")) {
    const form = picker.closest("form");
    const across = form.querySelector("input[name=focal_x]");
    const down = form.querySelector("input[name=focal_y]");
    const mark = picker.querySelector(".focal-picker__mark");
    const show = () => {
      mark.style.left = `${Number(across.value) * 100}%`;
      mark.style.top = `${Number(down.value) * 100}%`;
    };
    picker.querySelector("img").addEventListener("click", (event) => {
      const box = event.target.getBoundingClientRect();
      const share = (value) => Math.min(1, Math.max(0, value)).toFixed(3);
      across.value = share((event.clientX - box.left) / box.width);
      down.value = share((event.clientY - box.top) / box.height);
      show();
    });
    show();
  }
});
