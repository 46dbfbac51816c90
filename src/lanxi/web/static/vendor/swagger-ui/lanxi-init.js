// Lanxi: start Swagger UI on the API's OpenAPI document (a file, not an inline script, so the
// page's Content-Security-Policy "script-src 'self'" holds).
window.addEventListener("load", function () {
  var node = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: node.getAttribute("data-openapi"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
