from ravabet.cli import main

main()
