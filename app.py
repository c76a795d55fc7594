from consult import create_app

app = create_app()
