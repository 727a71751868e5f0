import { postgresPerSuite } from "../helpers/postgres.js";
import { etiquetteContract } from "./etiquette-contract.js";

etiquetteContract("PostgreSQL", postgresPerSuite("lkreview_etq"));
