from papermap.cli import main

raise SystemExit(main())
