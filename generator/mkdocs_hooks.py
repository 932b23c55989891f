"""mkdocs hook (listed under `hooks:` in mkdocs.yml): adds the pages generated from data/.

mkdocs loads a hook file by its path, outside the package, so this file only imports the
implementation absolutely; the state it shares with `portal build` lives in generator.build.
"""

from generator.build import (  # noqa: F401
    on_build_error, on_config, on_env, on_files, on_page_content, on_post_build, on_post_page, on_pre_build,
    on_shutdown, on_startup)
