// Copy a chapter's checklist as Markdown (the text is generated at build time).
document.addEventListener("click", async (event) => {
  const button = event.target.closest(".book-copy-checklist-button");
  if (!button) return;
  const markdown = button.parentElement.dataset.markdown;
  try {
    await navigator.clipboard.writeText(markdown);
    button.textContent = "Copied";
  } catch (error) {
    button.textContent = "Copy failed: select the list and copy it instead";
  }
  setTimeout(() => { button.textContent = "Copy this checklist as Markdown"; }, 2000);
});
