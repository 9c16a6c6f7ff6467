"""What people read and what leaves the machine: every user-facing string (``i18n``; validation
messages live in ``model.messages``), colours and fonts (``style``), the tables and summaries the
pages show (``views``, ``summary``), Altair charts (``charts``), one-message slide views
(``slides``) and the exports (``export_pptx``, ``export_pdf``, ``export_html``, ``export_xlsx``,
``export_images``). May import ``model``, ``analysis`` and ``io``; never ``store``, ``auth``, the
CLI or Streamlit."""
