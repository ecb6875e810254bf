// Copy buttons of the Link page: copy the named field, and say so to screen readers too.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  const status = document.getElementById("copy-status");
  let copied = false;
  try {
    await navigator.clipboard.writeText(field.value);
    copied = true;
  } catch (error) {
    field.select();
    copied = document.execCommand("copy");
  }
  const label = button.getAttribute("aria-label").replace(/^Copy /, "");
  if (status) status.textContent = copied ? `Copied the ${label}.` : `Select the ${label} and copy it.`;
  button.textContent = copied ? "Copied" : "Copy";
});
