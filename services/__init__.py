"""One function per use case, shared by the pages and the command line: read what a page or command needs, apply
the rules of domain/, write through `services.writes` (the write rules of each table, then store/).

    connection.connect            the CPTS base (pages and commands get their `Base` here)
    tables.read_tables / reader   tables read whole: frames and refused values (`Read`: pages pass a cached one)
    desk.desk_state, make_plan, write_confirmation, write_answers, register_request, save_doctors
    board.board_inputs, board_figures, dialogue      the board pages, `./cpts export dialogue`
    pathways.pathway_state, mark_done                 the pathway pages
    enrolment.candidate, enrol                        enrolling a patient (À relancer)
    deck.deck, load_deck_inputs                       `./cpts deck`, Présentation AG
    journal.record_access, journal_since              the access journal
    purge.purge                                       `./cpts purge`
    admin.status, migrate                             `./cpts status`, `./cpts migrate`
    territory, funding_parameters, seed               Financement ACI's additions, the demo load

Write rules (`writes.BEFORE_INSERT`): objection (Propositions, Inscriptions), enrolled_twice (Inscriptions).
"""
