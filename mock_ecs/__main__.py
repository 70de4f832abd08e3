from mock_ecs.cli import main

raise SystemExit(main())
