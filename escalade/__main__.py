from escalade.cli.main import main

raise SystemExit(main())
