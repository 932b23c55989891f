"""mkdocs hook (listed under `hooks:` in mkdocs.yml): adds the pages generated from data/.

mkdocs loads a hook file by its path, outside the package, so this file only imports the
implementation absolutely; the state it shares with `portal build` lives in generator.build.
"""

from generator.build import on_config, on_files, on_page_content, on_post_build, on_post_page  # noqa: F401
