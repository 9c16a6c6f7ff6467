"""Reading files into an ``Evaluation``: the hostile-file preflight (``safety``) and the sandboxed
child process (``sandbox``), raw cell grids (``sheets``, ``wordtables``), our template (its
definition, reader and writer: ``template_spec``, ``template``, ``template_io``), the forms
evaluators file (``scoretable``, ``selfeval``, ``codelist``, ``labels``), folders of forms
(``portfolio``), the checks run on every load (``checks``) and the one entry point (``loader``).
May import ``model`` and ``analysis`` (a table's 合计 is checked with the scoring engine); never
``present``, ``store``, ``auth`` or the CLI."""
