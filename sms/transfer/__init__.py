"""Import, export and the PDF report card: one engine used by the web pages, the admin and the API."""
